import { readFile } from 'node:fs/promises';
import { type Counters, createCounters } from '../platform/counters.ts';
import { createGraphQLHandler } from '../platform/graphqlHttp.ts';
import { closeServer, listen, type ServiceHandle } from '../platform/httpServer.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { traceIncomingRequest } from '../platform/spans.ts';
import { createRedisApqStore } from './apqStore.ts';
import { createTokenVerifier, type TokenSource } from './auth/tokens.ts';
import { deferredQueries } from './defer/deferredQueries.ts';
import { explorerAssetsPrefix, explorerAssetsRoute } from './explorer/explorerAssets.ts';
import { type ExplorerOptions, explorerPageRoute, wantsExplorer } from './explorer/explorerPage.ts';
import { createFederatedServer } from './federation.ts';
import { healthRoute, readinessRoute } from './health.ts';
import { createCorsPolicy } from './http/cors.ts';
import { httpSubscriptions } from './http/httpSubscriptions.ts';
import type { OperationLimits } from './limits/operationLimits.ts';
import { createRequestGuard, type GuardPassed } from './requestGuard.ts';
import { statusJsonRoute, statusPageRoute } from './statusPage.ts';
import {
  type SubscriptionServer,
  startSubscriptionServer,
} from './subscriptions/subscriptionServer.ts';
import { createSupergraphOwner, type SupergraphOwner } from './supergraph/supergraphOwner.ts';
import { watchSupergraph } from './supergraph/supergraphWatcher.ts';

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
        /** Subscriptions one socket may hold (SUBSCRIPTION_LIMIT_EXCEEDED past it). */
        maxSubscriptionsPerSocket?: number;
        /** Subscriptions one caller may hold over every socket and stream. */
        maxSubscriptionsPerCaller?: number;
        /** Ping sockets this often; end those that did not answer the last ping (0: off). */
        pingIntervalMs?: number;
        /** Tries again for an event whose resolution failed transiently (0: off). */
        resolutionRetries?: number;
      }
    | undefined;
  /** Reload the supergraph file when it changes (default true). */
  watchSupergraph?: boolean;
  /** The browser explorer at `GET /graphql`: example tabs and preset headers. */
  explorer?: ExplorerOptions;
  /** Caller authentication and request checks: required, every request passes them. */
  auth: GatewayAuth;
  /** Origins whose pages may call the gateway (http/cors.ts); its own origin always may. */
  corsOrigins?: readonly string[] | undefined;
  /** Identical in-flight subgraph queries share one call (default true). */
  subgraphDeduplication?: boolean | undefined;
  /** Heartbeat of SSE and multipart subscription streams. */
  streamHeartbeatMs?: number | undefined;
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
  /** The supergraph version being served, and hot reloads. */
  supergraph: SupergraphOwner;
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const { auth } = settings;
  const counters = createCounters();
  const metrics = createMetrics({ service: 'gateway', counters });
  const logger = createLogger('gateway');
  const supergraph = createSupergraphOwner({ subgraphUrls: settings.subgraphUrls });
  const composedSdl = await readFile(settings.supergraphPath, 'utf8');
  supergraph.load(composedSdl);
  const apqStore = settings.redisUrl
    ? createRedisApqStore({
        url: settings.redisUrl,
        prefix: settings.cachePrefix ?? 'restaurant-graph',
      })
    : undefined;
  const { server, buildService } = createFederatedServer({
    supergraph: supergraph.apolloHook,
    subgraphUrls: settings.subgraphUrls,
    trustSecret: auth.trustSecret,
    cache: apqStore,
    deduplicate: settings.subgraphDeduplication,
  });
  const verifier = createTokenVerifier(auth.tokens);
  const guard = createRequestGuard({
    supergraph: () => supergraph.current(),
    verifier,
    limits: auth.limits,
    introspection: auth.introspection,
    ...(auth.safelist ? { safelist: auth.safelist } : {}),
    ...(apqStore ? { sharedPersisted: apqStore.documentFor } : {}),
  });
  await server.start();
  const cors = createCorsPolicy(settings.corsOrigins ?? []);
  const deferred = deferredQueries({
    apollo: server,
    schema: () => supergraph.current().schema,
    hideSchemaDetails: process.env.NODE_ENV === 'production',
  });
  // Set once the HTTP server listens: the SSE and multipart transports join its fan-out.
  let streams: ReturnType<typeof httpSubscriptions> | undefined;
  const graphql = createGraphQLHandler({
    server,
    // Every request passes the guard: there is no path around it (it fails closed).
    context: async (req, body) => {
      const requestId = req.headers['x-request-id'] as string;
      const result = await guard.check(body, req.headers.authorization);
      if ('error' in result) throw result.error;
      return { identity: result.identity, requestId, passed: result };
    },
    stream: async (req, res, body, context) =>
      (await deferred(req, res, body, context)) ||
      (streams ? streams(req, res, body, (context as { passed: GuardPassed }).passed) : false),
    maxBodyBytes: settings.maxBodyBytes,
    observe: ({ requestId, operationName, status, seconds }) => {
      logger.info({ requestId, operation: operationName, status, ms: Math.round(seconds * 1000) });
      counters.increment('graphql_requests', { operation: operationName, status });
      metrics.observe('graphql_request_duration_seconds', { operation: operationName }, seconds);
    },
  });
  const explorerPage = explorerPageRoute(settings.explorer ?? { examples: [] });
  const graphqlRoute = { route: '/graphql' };
  const subgraphs = () => supergraph.current().subgraphs;
  const { server: http, origin } = await listen({
    host: settings.host,
    port: settings.port,
    routes: {
      '* /graphql': (req, res) => {
        if (cors.answered(req, res)) return;
        return wantsExplorer(req.method, req.headers.accept, req.url)
          ? explorerPage(req, res)
          : traceIncomingRequest(req, res, graphqlRoute, () => graphql(req, res));
      },
      [`GET ${explorerAssetsPrefix}*`]: explorerAssetsRoute(),
      'GET /healthz': healthRoute(),
      'GET /readyz': readinessRoute(() => supergraph.state()),
      'GET /metrics': metrics.route(),
      'GET /status': statusPageRoute(),
      'GET /status.json': statusJsonRoute(subgraphs, () => ({
        subscriptions: {
          clients: subscriptions.subscriptions.subscribers(),
          upstream: subscriptions.subscriptions.openUpstreams(),
        },
      })),
    },
  });
  const subscriptions = startSubscriptionServer({
    http,
    apollo: server,
    supergraph,
    buildService,
    counters,
    metrics,
    trustSecret: auth.trustSecret,
    maxMessageBytes: settings.websocket?.maxMessageBytes,
    maxConnectionsPerClient: settings.websocket?.maxConnectionsPerClient,
    maxBacklog: settings.websocket?.maxBacklog,
    maxSubscriptionsPerSocket: settings.websocket?.maxSubscriptionsPerSocket,
    maxSubscriptionsPerCaller: settings.websocket?.maxSubscriptionsPerCaller,
    hideSchemaDetails: process.env.NODE_ENV === 'production',
    pingIntervalMs: settings.websocket?.pingIntervalMs,
    resolutionRetries: settings.websocket?.resolutionRetries,
    allowsOrigin: cors.allowsOrigin,
    auth: { verifier, guard },
  });
  streams = httpSubscriptions({
    subscriptions,
    heartbeatMs: settings.streamHeartbeatMs,
    maxStreamsPerClient: settings.websocket?.maxConnectionsPerClient,
  });
  metrics.gauge('graphql_subscriptions_open', 'Client subscriptions open on this gateway.', () =>
    subscriptions.subscriptions.subscribers(),
  );
  metrics.gauge(
    'upstream_subscriptions_open',
    'Subscriptions this gateway holds open at subgraphs.',
    () => subscriptions.subscriptions.openUpstreams(),
  );
  metrics.gauge(
    'upstream_subscriptions_live',
    'Of those, the ones their subgraph has said are live on its event bus.',
    () => subscriptions.subscriptions.establishedUpstreams(),
  );
  // Supergraph hot reload: a new schema/supergraph.graphql is served without a restart; a
  // version the gateway refuses leaves every piece on the current one.
  const stopWatching =
    settings.watchSupergraph === false
      ? () => {}
      : watchSupergraph(settings.supergraphPath, composedSdl, (text) => {
          try {
            const loaded = supergraph.load(text);
            counters.increment('supergraph_reloads', { result: 'applied' });
            logger.info({
              event: 'supergraph reloaded',
              path: settings.supergraphPath,
              id: loaded.id,
            });
          } catch (error) {
            counters.increment('supergraph_reloads', { result: 'refused' });
            logger.error({ event: 'supergraph refused', reason: (error as Error).message });
          }
        });
  return {
    url: `${origin}/graphql`,
    subscriptions,
    counters,
    supergraph,
    async close() {
      stopWatching();
      await subscriptions.close();
      await closeServer(http);
      await server.stop();
      supergraph.stop();
      await apqStore?.close();
    },
  };
}
