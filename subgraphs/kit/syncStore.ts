import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { connectEarly, redisClientOptions, withTimeout } from './redisClients.ts';

/**
 * What a subgraph remembers about vendor changes (webhook event ids seen, each entity's last
 * applied version, the reconciler's checkpoints): keyv in memory, or Redis shared by every
 * instance when a Redis URL is given. Unlike the cache, a failure here is an error, not a
 * miss: forgetting an event id or a version would publish a change twice or roll one back.
 *
 * `lease` is the one atomic operation (a Redis `SET NX PX`, or a map in process): whoever
 * takes a key first holds it until it is released or expires.
 *
 * In memory the store is bounded (keyv's own map drops an expired entry only when it is read,
 * and most event ids never are): past `maxEntries` the least recently used go first.
 */
export interface SyncStore {
  get<V>(key: string): Promise<V | undefined>;
  set<V>(key: string, value: V, ttlMs?: number): Promise<void>;
  lease(key: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface SyncStoreOptions {
  /** Separates subgraphs sharing one Redis, e.g. `pos`. */
  namespace: string;
  /** Separates deployments (or test runs) sharing one Redis; default `restaurant-graph`. */
  prefix?: string | undefined;
  redisUrl?: string | undefined;
  /** In memory only: how many entries are kept at most (default 200,000). */
  maxEntries?: number;
  now?: () => number;
}

export function createSyncStore(options: SyncStoreOptions): SyncStore {
  const { now = Date.now } = options;
  const namespace = `${options.prefix ?? 'restaurant-graph'}:${options.namespace}:sync`;
  const redis = options.redisUrl
    ? new KeyvRedis(redisClientOptions(options.redisUrl), {
        throwOnErrors: true,
        throwOnConnectError: true,
      })
    : undefined;
  const keyv = new Keyv({
    store: redis ?? boundedMap(options.maxEntries ?? 200_000),
    namespace,
    throwOnErrors: true,
  });
  const connected = connectEarly(redis);
  const leases = new Map<string, number>();
  const leaseKey = (key: string) => `${namespace}:lease:${key}`;

  return {
    async get(key) {
      await connected;
      return withTimeout(keyv.get(key));
    },
    async set(key, value, ttlMs) {
      await connected;
      await withTimeout(keyv.set(key, value, ttlMs));
    },
    async lease(key, ttlMs) {
      if (redis) {
        const client = await redis.getClient();
        const taken = await withTimeout(
          client.set(leaseKey(key), '1', {
            condition: 'NX',
            expiration: { type: 'PX', value: ttlMs },
          }),
        );
        return taken === 'OK';
      }
      const heldUntil = leases.get(key);
      if (heldUntil !== undefined && heldUntil > now()) return false;
      leases.set(key, now() + ttlMs);
      return true;
    },
    async releaseLease(key) {
      if (redis) {
        const client = await redis.getClient();
        await withTimeout(client.del(leaseKey(key)));
        return;
      }
      leases.delete(key);
    },
    async close() {
      leases.clear();
      await keyv.disconnect();
    },
  };
}

/** The map keyv expects, over an lru-cache (whose `set` would take keyv's ttl for options). */
function boundedMap(max: number) {
  const entries = new LRUCache<string, object | string>({ max });
  return {
    get: (key: string) => entries.get(key),
    set: (key: string, value: object | string) => {
      entries.set(key, value);
      return true;
    },
    delete: (key: string) => entries.delete(key),
    clear: () => entries.clear(),
  };
}
