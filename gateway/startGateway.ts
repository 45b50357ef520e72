import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGraphQLHandler } from '../subgraphs/kit/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../subgraphs/kit/httpServer.ts';

export interface GatewaySettings {
  host: string;
  port: number;
  /** Path of the composed supergraph SDL (`schema/supergraph.graphql`). */
  supergraphPath: string;
  /** Subgraph URLs that replace the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string | undefined>;
  maxBodyBytes: number;
}

/**
 * The federated gateway: `@apollo/gateway` over the static supergraph, served by Apollo Server
 * on plain `node:http` at `/graphql`.
 */
export async function startGateway(settings: GatewaySettings): Promise<ServiceHandle> {
  const gateway = new ApolloGateway({
    supergraphSdl: await readFile(settings.supergraphPath, 'utf8'),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({ url: settings.subgraphUrls[name] ?? url }),
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await server.start();
  const { server: http, origin } = await listen({
    host: settings.host,
    port: settings.port,
    routes: {
      '* /graphql': createGraphQLHandler({
        server,
        context: async () => ({}),
        maxBodyBytes: settings.maxBodyBytes,
      }),
      'GET /healthz': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
  });
  return {
    url: `${origin}/graphql`,
    async close() {
      await closeServer(http);
      await server.stop();
    },
  };
}
