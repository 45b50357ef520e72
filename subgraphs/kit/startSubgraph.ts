import type { BaseContext } from '@apollo/server';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Counters } from '../../platform/counters.ts';
import type { Identity } from '../../platform/gatewayTrust.ts';
import type { Route, ServiceHandle } from '../../platform/httpServer.ts';
import type { EntityCache } from './entityCache.ts';
import type { EventBus } from './eventBus.ts';
import { readinessRoute, statusRoute } from './readiness.ts';
import { defaultResilience } from './resilience.ts';
import {
  createSubgraphRuntime,
  type SubgraphRuntime,
  type SubgraphSettings,
} from './subgraphRuntime.ts';
import { startSubgraphServer } from './subgraphServer.ts';
import { WEBHOOK_PATH } from './vendorChanges.ts';
import type { WebhookEndpoint } from './webhookReceiver.ts';

/** A running subgraph: its URL, and what tests and the metrics endpoint read. */
export interface RunningSubgraph<S> extends ServiceHandle {
  counters: Counters;
  cache: EntityCache | undefined;
  bus: EventBus;
  stores: S;
  /** The vendor webhooks' signature key and notification URL, settable at any time. */
  webhooks: WebhookEndpoint;
}

export interface SubgraphDefinition<S, C extends BaseContext> {
  /** Also the SDL file name (`schema/<name>.graphql`) and the cache namespace. */
  name: string;
  resolvers: GraphQLResolverMap<C>;
  /** Builds the long-lived stores (vendor client, cross-request cache) once per process. */
  createStores(runtime: SubgraphRuntime, settings: SubgraphSettings): S;
  /** Builds one request's (or one subscription's) context: fresh loaders over the stores. */
  createContext(stores: S, runtime: SubgraphRuntime, identity: Identity): C;
  /** HTTP routes beside `/graphql`, e.g. the vendor's webhook receiver. */
  routes?(stores: S, runtime: SubgraphRuntime): Record<string, Route>;
  /** Work that runs while the subgraph does (e.g. reconciliation polling); returns its stop. */
  startBackground?(
    stores: S,
    runtime: SubgraphRuntime,
  ): (() => Promise<void>) | Promise<() => Promise<void>>;
}

/** Starts a subgraph the same way for every vendor: runtime, stores, GraphQL server. */
export async function startSubgraph<S, C extends BaseContext>(
  definition: SubgraphDefinition<S, C>,
  settings: SubgraphSettings,
): Promise<RunningSubgraph<S>> {
  const runtime = createSubgraphRuntime(definition.name, settings);
  const stores = definition.createStores(runtime, settings);
  const targets = { upstreamUrl: settings.upstream.baseUrl, redisUrl: settings.redisUrl };
  const server = await startSubgraphServer<C>({
    name: definition.name,
    resolvers: definition.resolvers,
    context: async (identity) => definition.createContext(stores, runtime, identity),
    trustSecret: settings.trustSecret,
    host: settings.host,
    port: settings.port,
    routes: {
      'GET /metrics': runtime.metrics.route(),
      'GET /readyz': readinessRoute(definition.name, targets),
      'GET /status.json': statusRoute(definition.name, runtime, targets),
      ...definition.routes?.(stores, runtime),
    },
    requestBudgetMs: (settings.resilience ?? defaultResilience).requestBudgetMs,
  });
  // Unless configured, the vendor is told this subgraph's own address (fine on one machine).
  if (runtime.webhooks.notificationUrl() === undefined) {
    runtime.webhooks.configure({ notificationUrl: new URL(WEBHOOK_PATH, server.url).href });
  }
  const stopBackground = await definition.startBackground?.(stores, runtime);
  return {
    url: server.url,
    counters: runtime.counters,
    cache: runtime.cache,
    bus: runtime.bus,
    stores,
    webhooks: runtime.webhooks,
    async close() {
      await stopBackground?.();
      await server.close();
      await runtime.close();
    },
  };
}
