import { envVar, readEnv } from '../../platform/config.ts';
import { type Counters, createCounters } from '../../platform/counters.ts';
import { devGatewaySecret } from '../../platform/gatewayTrust.ts';
import { createMetrics, type Metrics, secondsSince } from '../../platform/metrics.ts';
import { type CallWindow, createCallWindow } from './callWindow.ts';
import { type ChangeApplier, createChangeApplier } from './changeApplier.ts';
import { createEntityCache, type EntityCache } from './entityCache.ts';
import {
  createInProcessEventBus,
  defaultHistoryLength,
  type EventBus,
  type EventTopic,
} from './eventBus.ts';
import { createEventLedger, type EventLedger } from './eventLedger.ts';
import { createLagWindow, type LagWindow } from './lagWindow.ts';
import { createRedisEventBus } from './redisEventBus.ts';
import type { ResilienceSettings } from './resilience.ts';
import { createRateLimiter, resilienceEnvShape, resilienceFromEnv } from './resilienceSettings.ts';
import { createSyncStore, type SyncStore } from './syncStore.ts';
import { createVendorHttp, type VendorHttp, type VendorWire } from './vendorHttp.ts';
import { createWebhookEndpoint, type WebhookEndpoint } from './webhookReceiver.ts';

/** Everything a subgraph process is configured with. */
export interface SubgraphSettings {
  host: string;
  port: number;
  /** `timeoutMs` is per try; `resilience.requestBudgetMs` bounds all tries of a request. */
  upstream: { baseUrl: string; token: string; timeoutMs: number };
  /** Budget, retries, circuit breaker, rate limit (resilience.ts); default `defaultResilience`. */
  resilience?: ResilienceSettings | undefined;
  redisUrl?: string | undefined;
  /** Prefix of every shared cache key, so deployments can share one Redis. */
  cachePrefix?: string | undefined;
  /** Cross-request cache on (default) or off. */
  caching: boolean;
  /** Batching into the vendor's batch endpoints on (default), or one call per entity. */
  batching: boolean;
  /**
   * The vendor's webhooks: the signature key and the exact notification URL registered with
   * it (default: this subgraph's own webhook path, e.g. `/webhooks/square`). Both can be set after start too.
   */
  webhook?: { signatureKey?: string | undefined; notificationUrl?: string | undefined };
  /** How often to poll the vendor for changes webhooks missed; 0 turns it off (default 30 s). */
  reconcileIntervalMs?: number | undefined;
  /** Events kept per topic for resuming subscriptions (default `defaultHistoryLength`). */
  eventHistoryLength?: number | undefined;
  /** Shared with the gateway only: it signs the caller's identity on every call. */
  trustSecret: string;
}

/** The parts every subgraph builds the same way from its settings. */
export interface SubgraphRuntime {
  /** The subgraph's name (`pos`, ...). */
  name: string;
  counters: Counters;
  cache: EntityCache | undefined;
  http: VendorHttp;
  bus: EventBus;
  /** What the webhook receiver and the reconciler remember (event ids, versions, checkpoints). */
  sync: SyncStore;
  ledger: EventLedger;
  /** The path every vendor change takes to the bus. */
  applier: ChangeApplier;
  webhooks: WebhookEndpoint;
  metrics: Metrics;
  /** The most recent vendor calls, for the status page. */
  calls: CallWindow;
  /** The most recent webhook lags (vendor change to event published), for the status page. */
  webhookLag: LagWindow;
  close(): Promise<void>;
}

/** What the runtime needs from the subgraph itself. */
export interface RuntimeIdentity {
  name: string;
  /** How its vendor's API is spoken (headers, reads, idempotency, error bodies). */
  wire: VendorWire;
  /** The topics it publishes (a Redis bus reads exactly these streams). */
  topics: readonly EventTopic[];
}

export function createSubgraphRuntime(
  identity: RuntimeIdentity,
  settings: SubgraphSettings,
): SubgraphRuntime {
  const { name } = identity;
  const counters = createCounters();
  const metrics = createMetrics({ service: name, counters });
  const calls = createCallWindow();
  const cache = settings.caching
    ? createEntityCache({
        namespace: name,
        counters,
        redisUrl: settings.redisUrl,
        prefix: settings.cachePrefix,
      })
    : undefined;
  const rateLimiter = createRateLimiter({
    resilience: settings.resilience,
    redisUrl: settings.redisUrl,
    cachePrefix: settings.cachePrefix,
  });
  const http = createVendorHttp({
    upstream: name,
    counters,
    wire: identity.wire,
    ...settings.upstream,
    resilience: settings.resilience,
    rateLimiter,
    observe: ({ endpoint, status, seconds }) => {
      metrics.observe('upstream_call_duration_seconds', { upstream: name, endpoint }, seconds);
      calls.record(seconds * 1000, status > 0 && status < 500 && status !== 429);
    },
  });
  // With Redis, every instance publishes to and reads from the same streams.
  const bus = settings.redisUrl
    ? createRedisEventBus({
        url: settings.redisUrl,
        namespace: name,
        topics: identity.topics,
        prefix: settings.cachePrefix,
        historyLength: settings.eventHistoryLength,
      })
    : createInProcessEventBus({ historyLength: settings.eventHistoryLength });
  const sync = createSyncStore({
    namespace: name,
    prefix: settings.cachePrefix,
    redisUrl: settings.redisUrl,
  });
  // Measured against this host's clock when the event is on the bus, so a reconciled change's
  // lag includes its wait for the poll; the status page shows the webhooks' alone.
  const webhookLag = createLagWindow();
  const applier = createChangeApplier({
    store: sync,
    bus,
    counters,
    onPublished: (event, source) => {
      const seconds = secondsSince(event.occurredAt);
      if (seconds === undefined) return;
      metrics.observe('vendor_change_lag_seconds', { source, topic: event.topic }, seconds);
      if (source === 'webhook') webhookLag.record(seconds);
    },
  });
  return {
    name,
    counters,
    metrics,
    calls,
    webhookLag,
    cache,
    http,
    bus,
    sync,
    ledger: createEventLedger(sync),
    applier,
    webhooks: createWebhookEndpoint(settings.webhook),
    async close() {
      await bus.close();
      await cache?.close();
      await rateLimiter.close();
      await sync.close();
    },
  };
}

/**
 * Reads one subgraph's settings from the environment, e.g. for `POS`: POS_SUBGRAPH_PORT,
 * POS_API_URL, POS_API_TOKEN, POS_WEBHOOK_SIGNATURE_KEY, POS_WEBHOOK_URL; shared by all: HOST,
 * REDIS_URL, CACHE_PREFIX, UPSTREAM_TIMEOUT_MS (per try), SUBGRAPH_CACHE, SUBGRAPH_BATCHING,
 * RECONCILE_INTERVAL_MS, EVENT_HISTORY_LENGTH; the resilience policies' variables are listed in resilienceSettings.ts.
 */
export function readSubgraphSettings(
  prefix: 'POS' | 'INVENTORY' | 'SCHEDULING',
  defaults: { port: number; apiUrl: string },
  env: NodeJS.ProcessEnv = process.env,
): SubgraphSettings {
  const values = readEnv(
    {
      HOST: envVar.string('127.0.0.1'),
      [`${prefix}_SUBGRAPH_PORT`]: envVar.port(defaults.port),
      [`${prefix}_API_URL`]: envVar.url(defaults.apiUrl),
      [`${prefix}_API_TOKEN`]: envVar.string('dev-square-token'),
      UPSTREAM_TIMEOUT_MS: envVar.milliseconds(3_000),
      ...resilienceEnvShape(prefix),
      REDIS_URL: envVar.optionalUrl(),
      GATEWAY_SHARED_SECRET: envVar.secret(devGatewaySecret, env.NODE_ENV === 'production'),
      CACHE_PREFIX: envVar.string('restaurant-graph'),
      SUBGRAPH_CACHE: envVar.flag(true),
      SUBGRAPH_BATCHING: envVar.flag(true),
      [`${prefix}_WEBHOOK_SIGNATURE_KEY`]: envVar.optionalString(),
      [`${prefix}_WEBHOOK_URL`]: envVar.optionalUrl(),
      RECONCILE_INTERVAL_MS: envVar.millisecondsOrOff(30_000),
      EVENT_HISTORY_LENGTH: envVar.positiveInt(defaultHistoryLength),
    },
    env,
  ) as Record<string, unknown>;
  return {
    host: values.HOST as string,
    port: values[`${prefix}_SUBGRAPH_PORT`] as number,
    upstream: {
      baseUrl: values[`${prefix}_API_URL`] as string,
      token: values[`${prefix}_API_TOKEN`] as string,
      timeoutMs: values.UPSTREAM_TIMEOUT_MS as number,
    },
    redisUrl: values.REDIS_URL as string | undefined,
    trustSecret: values.GATEWAY_SHARED_SECRET as string,
    cachePrefix: values.CACHE_PREFIX as string,
    caching: values.SUBGRAPH_CACHE as boolean,
    batching: values.SUBGRAPH_BATCHING as boolean,
    resilience: resilienceFromEnv(values, prefix),
    webhook: {
      signatureKey: values[`${prefix}_WEBHOOK_SIGNATURE_KEY`] as string | undefined,
      notificationUrl: values[`${prefix}_WEBHOOK_URL`] as string | undefined,
    },
    reconcileIntervalMs: values.RECONCILE_INTERVAL_MS as number,
    eventHistoryLength: values.EVENT_HISTORY_LENGTH as number,
  };
}
