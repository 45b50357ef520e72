import { readFile } from 'node:fs/promises';
import { createGraphQLHandler } from '../subgraphs/kit/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../subgraphs/kit/httpServer.ts';
import { explorerAssetsPrefix, explorerAssetsRoute } from './explorer/explorerAssets.ts';
import { type ExplorerOptions, explorerPageRoute, wantsExplorer } from './explorer/explorerPage.ts';
import { createFederatedServer } from './federation.ts';
import {
  type SubscriptionServer,
  startSubscriptionServer,
} from './subscriptions/subscriptionServer.ts';

export interface GatewaySettings {
  host: string;
  port: number;
  /** Path of the composed supergraph SDL (`schema/supergraph.graphql`). */
  supergraphPath: string;
  /** Subgraph URLs that replace the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string | undefined>;
  maxBodyBytes: number;
  /** The browser explorer at `GET /graphql`: example tabs and preset headers. */
  explorer?: ExplorerOptions;
}

/**
 * The federated gateway: `@apollo/gateway` over the static supergraph, served by Apollo Server
 * on plain `node:http` at `/graphql`.
 */
export interface RunningGateway extends ServiceHandle {
  subscriptions: SubscriptionServer;
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const supergraphSdl = await readFile(settings.supergraphPath, 'utf8');
  const { server } = createFederatedServer({ supergraphSdl, subgraphUrls: settings.subgraphUrls });
  await server.start();
  const graphql = createGraphQLHandler({
    server,
    context: async () => ({}),
    maxBodyBytes: settings.maxBodyBytes,
  });
  const explorerPage = explorerPageRoute(settings.explorer ?? { examples: [] });
  const { server: http, origin } = await listen({
    host: settings.host,
    port: settings.port,
    routes: {
      '* /graphql': (req, res) =>
        wantsExplorer(req.method, req.headers.accept, req.url)
          ? explorerPage(req, res)
          : graphql(req, res),
      [`GET ${explorerAssetsPrefix}*`]: explorerAssetsRoute(),
      'GET /healthz': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
  });
  const subscriptions = startSubscriptionServer({
    http,
    apollo: server,
    supergraphSdl,
    subgraphUrls: settings.subgraphUrls,
  });
  return {
    url: `${origin}/graphql`,
    subscriptions,
    async close() {
      await subscriptions.close();
      await closeServer(http);
      await server.stop();
    },
  };
}
