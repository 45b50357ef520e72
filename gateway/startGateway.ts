import { readFile } from 'node:fs/promises';
import { createGraphQLHandler } from '../subgraphs/kit/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../subgraphs/kit/httpServer.ts';
import { createFederatedServer } from './federation.ts';

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
  const { server } = createFederatedServer({
    supergraphSdl: await readFile(settings.supergraphPath, 'utf8'),
    subgraphUrls: settings.subgraphUrls,
  });
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
