import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import type { Counters } from '../../platform/counters.ts';
import { type EntityKind, freshForMs, keepStaleForMs } from './cachePolicy.ts';
import { connectEarly, redisClientOptions, withTimeout } from './redisClients.ts';

/**
 * The cross-request cache of vendor entities: L1 an lru-cache in this process (bounded by the
 * byte size of the entries), L2 keyv (in memory, or Redis shared by every instance when a
 * Redis URL is given). An entry keeps the time it was fetched, so a reader can tell fresh
 * from stale; stale entries stay `keepStaleForMs` longer for serving while the vendor is down.
 */
export interface Cached<V> {
  value: V;
  fetchedAt: number;
}

export interface EntityCache {
  /** Fresh entries only, in `ids` order (undefined where missing or stale). */
  getFresh<V>(kind: EntityKind, ids: readonly string[]): Promise<(Cached<V> | undefined)[]>;
  /** Any entry still kept, fresh or stale. */
  getAny<V>(kind: EntityKind, ids: readonly string[]): Promise<(Cached<V> | undefined)[]>;
  set<V>(kind: EntityKind, entries: Iterable<readonly [string, V]>): Promise<void>;
  invalidate(kind: EntityKind, ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface EntityCacheOptions {
  /** Separates subgraphs sharing one Redis, e.g. `pos`. */
  namespace: string;
  /** Separates deployments (or test runs) sharing one Redis; default `restaurant-graph`. */
  prefix?: string;
  counters: Counters;
  redisUrl?: string | undefined;
  l1MaxBytes?: number;
  now?: () => number;
}

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  // The clock is read at each call (not captured), so a test that moves it moves the cache too.
  const { namespace, counters, now = () => Date.now() } = options;
  const l1 = new LRUCache<string, { entry: Cached<unknown>; bytes: number }>({
    maxSize: options.l1MaxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (item) => item.bytes,
    ttl: 1, // replaced per entry on set; lru-cache needs a default to allow per-entry ttls
    ttlAutopurge: false,
  });
  const store = options.redisUrl
    ? new KeyvRedis(redisClientOptions(options.redisUrl), { throwOnErrors: true })
    : undefined;
  const l2 = new Keyv<Cached<unknown>>({
    namespace: `${options.prefix ?? 'restaurant-graph'}:${namespace}`,
    ...(store ? { store } : {}),
    throwOnErrors: true,
  });
  const connected = connectEarly(store);
  l2.on('error', () => {
    // Reads and writes catch what they throw (a miss, an L1-only write); see invalidate.
  });

  // After an L2 failure, reads and writes skip L2 for a second rather than each waiting out
  // the command timeout while Redis is away.
  let l2SkippedUntil = 0;
  const l2Usable = () => options.redisUrl === undefined || now() >= l2SkippedUntil;
  const l2Failed = () => {
    l2SkippedUntil = now() + 1_000;
  };

  const keyOf = (kind: EntityKind, id: string) => `${kind}:${id}`;
  const keepMs = (kind: EntityKind) => freshForMs[kind] + keepStaleForMs;
  const isFresh = (kind: EntityKind, entry: Cached<unknown>) =>
    now() - entry.fetchedAt <= freshForMs[kind];

  async function lookup<V>(kind: EntityKind, ids: readonly string[], freshOnly: boolean) {
    const usable = (entry: Cached<unknown> | undefined) =>
      entry !== undefined && (!freshOnly || isFresh(kind, entry));
    const found: (Cached<V> | undefined)[] = ids.map((id) => {
      const entry = l1.get(keyOf(kind, id))?.entry;
      return usable(entry) ? (entry as Cached<V>) : undefined;
    });
    const l1Hits = found.filter(Boolean).length;
    counters.increment('cache_lookups', { tier: 'l1', kind, result: 'hit' }, l1Hits);
    counters.increment('cache_lookups', { tier: 'l1', kind, result: 'miss' }, ids.length - l1Hits);

    const missing = found.flatMap((entry, index) => (entry ? [] : [index]));
    if (missing.length === 0) return found;
    let fromL2: (Cached<unknown> | undefined)[] = missing.map(() => undefined);
    if (l2Usable()) {
      await connected;
      try {
        fromL2 = await withTimeout(
          l2.getMany(missing.map((index) => keyOf(kind, ids[index] as string))),
        );
      } catch {
        l2Failed();
      }
    }
    let l2Hits = 0;
    missing.forEach((index, position) => {
      const entry = fromL2[position];
      if (!usable(entry) || !entry) return;
      l2Hits += 1;
      found[index] = entry as Cached<V>;
      remember(kind, ids[index] as string, entry);
    });
    counters.increment('cache_lookups', { tier: 'l2', kind, result: 'hit' }, l2Hits);
    counters.increment(
      'cache_lookups',
      { tier: 'l2', kind, result: 'miss' },
      missing.length - l2Hits,
    );
    return found;
  }

  function remember(kind: EntityKind, id: string, entry: Cached<unknown>, json?: string) {
    const ttl = entry.fetchedAt + keepMs(kind) - now();
    if (ttl <= 0) return;
    const bytes = (json ?? JSON.stringify(entry.value)).length;
    l1.set(keyOf(kind, id), { entry, bytes }, { ttl });
  }

  return {
    getFresh: (kind, ids) => lookup(kind, ids, true),
    getAny: (kind, ids) => lookup(kind, ids, false),
    async set(kind, entries) {
      const fetchedAt = now();
      const rows = [...entries].map(([id, value]) => {
        const entry = { value, fetchedAt };
        remember(kind, id, entry, JSON.stringify(value));
        return { key: keyOf(kind, id), value: entry, ttl: keepMs(kind) };
      });
      if (rows.length === 0 || !l2Usable()) return;
      await connected;
      try {
        await withTimeout(l2.setMany(rows));
      } catch {
        l2Failed();
        // L2 is an optimisation; the value is in L1 and the vendor stays the source of truth.
      }
    },
    async invalidate(kind, ids) {
      for (const id of ids) l1.delete(keyOf(kind, id));
      await connected;
      // Throws when Redis is away: a change that cannot drop what L2 holds is not applied (its
      // webhook is refused and retried), or L2 would serve the old value once Redis is back.
      await withTimeout(l2.deleteMany(ids.map((id) => keyOf(kind, id))));
    },
    async close() {
      l1.clear();
      await l2.disconnect();
    },
  };
}
