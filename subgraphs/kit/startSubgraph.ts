import type { BaseContext } from '@apollo/server';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Counters } from '../../platform/counters.ts';
import type { Identity } from '../../platform/gatewayTrust.ts';
import type { Route, ServiceHandle } from '../../platform/httpServer.ts';
import type { EntityChange } from './changeApplier.ts';
import type { EntityCache } from './entityCache.ts';
import type { EventBus, EventTopic } from './eventBus.ts';
import { readinessRoute, statusRoute } from './readiness.ts';
import { defaultResilience } from './resilience.ts';
import {
  createSubgraphRuntime,
  type SubgraphRuntime,
  type SubgraphSettings,
} from './subgraphRuntime.ts';
import { startSubgraphServer } from './subgraphServer.ts';
import type { Vendor } from './vendor.ts';
import { webhookRoutes } from './vendorChanges.ts';
import type { WebhookEndpoint } from './webhookReceiver.ts';

/** A running subgraph: its URL, and what tests and the metrics endpoint read. */
export interface RunningSubgraph<S> extends ServiceHandle {
  counters: Counters;
  cache: EntityCache | undefined;
  bus: EventBus;
  stores: S;
  /** The vendor webhooks' signature key and notification URL, settable at any time. */
  webhooks: WebhookEndpoint;
  /**
   * Subscribes to the vendor's webhooks this subgraph follows at its notification URL (through
   * the vendor's API, as an operator would once per deployment) and takes the signature key the
   * vendor made. On port 0 the URL is known only once the subgraph listens.
   */
  subscribeToVendorWebhooks(): Promise<{ subscriptionId: string; notificationUrl: string }>;
}

export interface SubgraphDefinition<S, C extends BaseContext, E> {
  /** Also the SDL file name (`schema/<name>.graphql`) and the cache namespace. */
  name: string;
  /** The vendor's wire format: HTTP conventions, webhooks, webhook subscriptions. */
  vendor: Vendor<E>;
  /** Every topic the subgraph publishes on its bus. */
  topics: readonly EventTopic[];
  resolvers: GraphQLResolverMap<C>;
  /** Builds the long-lived stores (vendor client, cross-request cache) once per process. */
  createStores(runtime: SubgraphRuntime, settings: SubgraphSettings): S;
  /** Builds one request's (or one subscription's) context: fresh loaders over the stores. */
  createContext(stores: S, runtime: SubgraphRuntime, identity: Identity): C;
  /** The vendor webhooks the subgraph follows, and the changes one event makes. */
  webhooks: {
    eventTypes: readonly string[];
    changesOf(stores: S): (event: E) => EntityChange[];
  };
  /** HTTP routes beside `/graphql` and the webhook receiver. */
  routes?(stores: S, runtime: SubgraphRuntime): Record<string, Route>;
  /** Work that runs while the subgraph does (e.g. reconciliation polling); returns its stop. */
  startBackground?(
    stores: S,
    runtime: SubgraphRuntime,
  ): (() => Promise<void>) | Promise<() => Promise<void>>;
}

/** Starts a subgraph the same way for every vendor: runtime, stores, GraphQL server. */
export async function startSubgraph<S, C extends BaseContext, E>(
  definition: SubgraphDefinition<S, C, E>,
  settings: SubgraphSettings,
): Promise<RunningSubgraph<S>> {
  const { name, vendor } = definition;
  const runtime = createSubgraphRuntime(
    { name, wire: vendor.wire, topics: definition.topics },
    settings,
  );
  const stores = definition.createStores(runtime, settings);
  const targets = { upstreamUrl: settings.upstream.baseUrl, redisUrl: settings.redisUrl };
  const server = await startSubgraphServer<C>({
    name,
    resolvers: definition.resolvers,
    context: async (identity) => definition.createContext(stores, runtime, identity),
    trustSecret: settings.trustSecret,
    host: settings.host,
    port: settings.port,
    routes: {
      'GET /metrics': runtime.metrics.route(),
      'GET /readyz': readinessRoute(name, targets),
      'GET /status.json': statusRoute(name, runtime, targets),
      ...webhookRoutes(runtime, vendor.webhooks, definition.webhooks.changesOf(stores)),
      ...definition.routes?.(stores, runtime),
    },
    requestBudgetMs: (settings.resilience ?? defaultResilience).requestBudgetMs,
  });
  // Unless configured, the vendor is told this subgraph's own address (fine on one machine).
  if (runtime.webhooks.notificationUrl() === undefined) {
    runtime.webhooks.configure({ notificationUrl: new URL(vendor.webhooks.path, server.url).href });
  }
  const stopBackground = await definition.startBackground?.(stores, runtime);
  return {
    url: server.url,
    counters: runtime.counters,
    cache: runtime.cache,
    bus: runtime.bus,
    stores,
    webhooks: runtime.webhooks,
    async subscribeToVendorWebhooks() {
      const notificationUrl = runtime.webhooks.notificationUrl();
      if (notificationUrl === undefined) throw new Error(`${name}: no webhook URL to register`);
      const subscription = await vendor.subscribeToWebhooks(runtime.http, {
        name,
        eventTypes: definition.webhooks.eventTypes,
        notificationUrl,
      });
      runtime.webhooks.configure({ signatureKey: subscription.signatureKey });
      return { subscriptionId: subscription.subscriptionId, notificationUrl };
    },
    async close() {
      await stopBackground?.();
      await server.close();
      await runtime.close();
    },
  };
}
