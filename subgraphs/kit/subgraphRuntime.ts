import { envVar, readEnv } from './config.ts';
import { type Counters, createCounters } from './counters.ts';
import { createEntityCache, type EntityCache } from './entityCache.ts';
import { createInProcessEventBus, type EventBus } from './eventBus.ts';
import { createVendorHttp, type VendorHttp } from './vendorHttp.ts';

/** Everything a subgraph process is configured with. */
export interface SubgraphSettings {
  host: string;
  port: number;
  upstream: { baseUrl: string; token: string; timeoutMs: number };
  redisUrl?: string | undefined;
  /** Prefix of every shared cache key, so deployments can share one Redis. */
  cachePrefix?: string | undefined;
  /** Cross-request cache on (default) or off. */
  caching: boolean;
  /** Batching into the vendor's batch endpoints on (default), or one call per entity. */
  batching: boolean;
}

/** The parts every subgraph builds the same way from its settings. */
export interface SubgraphRuntime {
  counters: Counters;
  cache: EntityCache | undefined;
  http: VendorHttp;
  bus: EventBus;
  close(): Promise<void>;
}

export function createSubgraphRuntime(name: string, settings: SubgraphSettings): SubgraphRuntime {
  const counters = createCounters();
  const cache = settings.caching
    ? createEntityCache({
        namespace: name,
        counters,
        redisUrl: settings.redisUrl,
        prefix: settings.cachePrefix,
      })
    : undefined;
  const http = createVendorHttp({ upstream: name, counters, ...settings.upstream });
  const bus = createInProcessEventBus();
  return {
    counters,
    cache,
    http,
    bus,
    async close() {
      await bus.close();
      await cache?.close();
    },
  };
}

/**
 * Reads one subgraph's settings from the environment, e.g. for `POS`: POS_SUBGRAPH_PORT,
 * POS_API_URL, POS_API_TOKEN; shared by all: HOST, REDIS_URL, CACHE_PREFIX, UPSTREAM_TIMEOUT_MS,
 * SUBGRAPH_CACHE, SUBGRAPH_BATCHING.
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
      UPSTREAM_TIMEOUT_MS: envVar.milliseconds(5_000),
      REDIS_URL: envVar.optionalUrl(),
      CACHE_PREFIX: envVar.string('restaurant-graph'),
      SUBGRAPH_CACHE: envVar.flag(true),
      SUBGRAPH_BATCHING: envVar.flag(true),
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
    cachePrefix: values.CACHE_PREFIX as string,
    caching: values.SUBGRAPH_CACHE as boolean,
    batching: values.SUBGRAPH_BATCHING as boolean,
  };
}
