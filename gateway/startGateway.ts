import { readFile } from 'node:fs/promises';
import { type Counters, createCounters } from '../platform/counters.ts';
import { createGraphQLHandler } from '../platform/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../platform/httpServer.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { traceIncomingRequest } from '../platform/spans.ts';
import { createRedisApqStore } from './apqStore.ts';
import { acknowledgeEnforcedSecurityFeatures, readFieldRules } from './auth/fieldRules.ts';
import { createTokenVerifier, type TokenSource } from './auth/tokens.ts';
import { explorerAssetsPrefix, explorerAssetsRoute } from './explorer/explorerAssets.ts';
import { type ExplorerOptions, explorerPageRoute, wantsExplorer } from './explorer/explorerPage.ts';
import { createFederatedServer } from './federation.ts';
import { healthRoute, readinessRoute } from './health.ts';
import type { OperationLimits } from './limits/operationLimits.ts';
import { createRequestGuard, type RequestGuard } from './requestGuard.ts';
import { statusJsonRoute, statusPageRoute } from './statusPage.ts';
import {
  type SubscriptionServer,
  startSubscriptionServer,
} from './subscriptions/subscriptionServer.ts';
import { watchSupergraph } from './supergraphWatcher.ts';

export interface GatewaySettings {
  host: string;
  port: number;
  /** Path of the composed supergraph SDL (`schema/supergraph.graphql`). */
  supergraphPath: string;
  /** Subgraph URLs that replace the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string | undefined>;
  maxBodyBytes: number;
  /** graphql-ws limits: message size, sockets per address, backlog, heartbeat. */
  websocket?:
    | {
        maxMessageBytes?: number;
        maxConnectionsPerClient?: number;
        /** Events one subscriber may have waiting before SLOW_SUBSCRIBER ends it. */
        maxBacklog?: number;
        /** Ping sockets this often; end those that did not answer the last ping (0: off). */
        pingIntervalMs?: number;
      }
    | undefined;
  /** Reload the supergraph file when it changes (default true). */
  watchSupergraph?: boolean;
  /** The browser explorer at `GET /graphql`: example tabs and preset headers. */
  explorer?: ExplorerOptions;
  /**
   * Caller authentication and request checks. Absent: anyone may call and nothing is signed
   * (only for gateways over subgraphs that need no identity, such as the benchmark's).
   */
  auth?: GatewayAuth | undefined;
  /** Shared by every gateway: the persisted-query store (apqStore.ts), under `cachePrefix`. */
  redisUrl?: string | undefined;
  cachePrefix?: string | undefined;
}

export interface GatewayAuth {
  tokens: TokenSource;
  /** Shared with the subgraphs: the caller's identity is signed onto every subgraph call. */
  trustSecret: string;
  limits: OperationLimits;
  introspection: 'everyone' | 'analysts';
  /** Persisted-query safelist: only these documents, by SHA-256, may run. */
  safelist?: ReadonlyMap<string, string> | undefined;
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
  const { auth } = settings;
  const composedSdl = await readFile(settings.supergraphPath, 'utf8');
  let rules = readFieldRules(composedSdl);
  const served = (sdl: string) => (auth ? acknowledgeEnforcedSecurityFeatures(sdl) : sdl);
  const supergraphSdl = served(composedSdl);
  let updateGateway: ((sdl: string) => void) | undefined;
  const apqStore = settings.redisUrl
    ? createRedisApqStore({
        url: settings.redisUrl,
        prefix: settings.cachePrefix ?? 'restaurant-graph',
      })
    : undefined;
  const { server, buildService } = createFederatedServer({
    supergraphSdl,
    subgraphUrls: settings.subgraphUrls,
    trustSecret: auth?.trustSecret,
    cache: apqStore,
    onUpdater: (update) => {
      updateGateway = update;
    },
  });
  const verifier = auth ? createTokenVerifier(auth.tokens) : undefined;
  // Built once the subscription server has planned the API schema (below).
  let guard: RequestGuard | undefined;
  await server.start();
  const counters = createCounters();
  const metrics = createMetrics({ service: 'gateway', counters });
  const logger = createLogger('gateway');
  const graphql = createGraphQLHandler({
    server,
    context: async (req, body) => {
      const requestId = req.headers['x-request-id'] as string;
      if (!guard) return { requestId };
      const result = await guard.check(body, req.headers.authorization);
      if ('error' in result) throw result.error;
      return { identity: result.identity, requestId };
    },
    maxBodyBytes: settings.maxBodyBytes,
    observe: ({ requestId, operationName, status, seconds }) => {
      logger.info({ requestId, operation: operationName, status, ms: Math.round(seconds * 1000) });
      counters.increment('graphql_requests', { operation: operationName, status });
      metrics.observe('graphql_request_duration_seconds', { operation: operationName }, seconds);
    },
  });
  const explorerPage = explorerPageRoute(settings.explorer ?? { examples: [] });
  const graphqlRoute = { route: '/graphql' };
  const { server: http, origin } = await listen({
    host: settings.host,
    port: settings.port,
    routes: {
      '* /graphql': (req, res) =>
        wantsExplorer(req.method, req.headers.accept, req.url)
          ? explorerPage(req, res)
          : traceIncomingRequest(req, res, graphqlRoute, () => graphql(req, res)),
      [`GET ${explorerAssetsPrefix}*`]: explorerAssetsRoute(),
      'GET /healthz': healthRoute(),
      'GET /readyz': readinessRoute(() => subscriptions.subgraphs()),
      'GET /metrics': metrics.route(),
      'GET /status': statusPageRoute(),
      'GET /status.json': statusJsonRoute(
        () => subscriptions.subgraphs(),
        () => ({
          subscriptions: {
            clients: subscriptions.subscriptions.subscribers(),
            upstream: subscriptions.subscriptions.openUpstreams(),
          },
        }),
      ),
    },
  });
  const subscriptions = startSubscriptionServer({
    http,
    apollo: server,
    supergraphSdl,
    subgraphUrls: settings.subgraphUrls,
    buildService,
    counters,
    metrics,
    trustSecret: auth?.trustSecret,
    maxMessageBytes: settings.websocket?.maxMessageBytes,
    maxConnectionsPerClient: settings.websocket?.maxConnectionsPerClient,
    maxBacklog: settings.websocket?.maxBacklog,
    pingIntervalMs: settings.websocket?.pingIntervalMs,
    auth: verifier ? { verifier, guard: () => guard as RequestGuard } : undefined,
  });
  if (auth && verifier) {
    guard = createRequestGuard({
      schema: () => subscriptions.schema(),
      verifier,
      rules: () => rules,
      limits: auth.limits,
      introspection: auth.introspection,
      ...(auth.safelist ? { safelist: auth.safelist } : {}),
      ...(apqStore ? { sharedPersisted: apqStore.documentFor } : {}),
    });
  }
  metrics.gauge('graphql_subscriptions_open', 'Client subscriptions open on this gateway.', () =>
    subscriptions.subscriptions.subscribers(),
  );
  metrics.gauge(
    'upstream_subscriptions_open',
    'Subscriptions this gateway holds open at subgraphs.',
    () => subscriptions.subscriptions.openUpstreams(),
  );
  // Supergraph hot reload: a new schema/supergraph.graphql is served without a restart; a
  // version the gateway refuses (it fails composition checks) leaves the current one in place.
  const stopWatching =
    settings.watchSupergraph === false
      ? () => {}
      : watchSupergraph(settings.supergraphPath, composedSdl, (text) => {
          try {
            updateGateway?.(served(text));
            subscriptions.updateSupergraph(served(text));
            rules = readFieldRules(text);
            counters.increment('supergraph_reloads', { result: 'applied' });
            logger.info({ event: 'supergraph reloaded', path: settings.supergraphPath });
          } catch (error) {
            counters.increment('supergraph_reloads', { result: 'refused' });
            logger.error({ event: 'supergraph refused', reason: (error as Error).message });
          }
        });
  return {
    url: `${origin}/graphql`,
    subscriptions,
    counters,
    async close() {
      stopWatching();
      await subscriptions.close();
      await closeServer(http);
      await server.stop();
      await apqStore?.close();
    },
  };
}
