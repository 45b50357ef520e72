/**
 * Stock Apollo Gateway: `@apollo/gateway` in `@apollo/server` served by `startStandaloneServer`,
 * as Apollo's documentation shows and the published benchmark runs it, untuned. Its one
 * addition, also from the documentation ("customizing requests"): it passes the client's
 * signed identity headers on to the subgraphs, which the restaurant subgraphs require.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { forwardedHeaders, readPeerSettings } from './peerSettings.ts';

interface Context {
  forwarded: Record<string, string>;
}

const { host, port, supergraphPath } = readPeerSettings();
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<Context>({
      url,
      willSendRequest({ request, context }) {
        for (const [name, value] of Object.entries<string>(context.forwarded ?? {})) {
          request.http?.headers.set(name, value);
        }
      },
    }),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host, port },
  context: async ({ req }) => ({
    forwarded: Object.fromEntries(
      forwardedHeaders.flatMap((name) => {
        const value = req.headers[name];
        return typeof value === 'string' ? [[name, value]] : [];
      }),
    ),
  }),
});
console.log(`gateway listening at ${url}`);
const stop = () => server.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
