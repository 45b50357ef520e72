import { readFile } from 'node:fs/promises';
import { type Counters, createCounters } from '../subgraphs/kit/counters.ts';
import { createGraphQLHandler } from '../subgraphs/kit/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../subgraphs/kit/httpServer.ts';
import { createMetrics } from '../subgraphs/kit/metrics.ts';
import { explorerAssetsPrefix, explorerAssetsRoute } from './explorer/explorerAssets.ts';
import { type ExplorerOptions, explorerPageRoute, wantsExplorer } from './explorer/explorerPage.ts';
import { createFederatedServer } from './federation.ts';
import { healthRoute, readinessRoute } from './health.ts';
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
  /** Requests, subscriptions and their resolutions, as exported on `/metrics`. */
  counters: Counters;
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const supergraphSdl = await readFile(settings.supergraphPath, 'utf8');
  const { server } = createFederatedServer({ supergraphSdl, subgraphUrls: settings.subgraphUrls });
  await server.start();
  const counters = createCounters();
  const metrics = createMetrics({ service: 'gateway', counters });
  const graphql = createGraphQLHandler({
    server,
    context: async () => ({}),
    maxBodyBytes: settings.maxBodyBytes,
    observe: ({ operationName, status, seconds }) => {
      counters.increment('graphql_requests', { operation: operationName, status });
      metrics.observe('graphql_request_duration_seconds', { operation: operationName }, seconds);
    },
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
      'GET /healthz': healthRoute(),
      'GET /readyz': readinessRoute(() => subscriptions.subgraphs()),
      'GET /metrics': metrics.route(),
    },
  });
  const subscriptions = startSubscriptionServer({
    http,
    apollo: server,
    supergraphSdl,
    subgraphUrls: settings.subgraphUrls,
    counters,
  });
  metrics.gauge('graphql_subscriptions_open', 'Client subscriptions open on this gateway.', () =>
    subscriptions.subscriptions.subscribers(),
  );
  metrics.gauge(
    'upstream_subscriptions_open',
    'Subscriptions this gateway holds open at subgraphs.',
    () => subscriptions.subscriptions.openUpstreams(),
  );
  return {
    url: `${origin}/graphql`,
    subscriptions,
    counters,
    async close() {
      await subscriptions.close();
      await closeServer(http);
      await server.stop();
    },
  };
}
