import DataLoader from 'dataloader';
import { notFound } from '../../platform/errors.ts';
import type { EntityKind } from './cachePolicy.ts';
import type { EntityCache } from './entityCache.ts';
import { noteStaleData } from './requestScope.ts';
import { isUpstreamOutage } from './upstreamErrors.ts';

/**
 * One kind of vendor entity, shared by every request of a subgraph: it answers a list of ids
 * from the cross-request cache, joins fetches already in flight for the same ids (so fifty
 * simultaneous requests cause one vendor call), and fetches the rest in chunks of the vendor
 * endpoint's batch limit. Results come back in id order, one value or one Error per id; ids
 * the vendor left out get a NOT_FOUND error, and a chunk that fails as a whole fails each of
 * its ids and caches none of them.
 *
 * When the vendor cannot be asked (down, timing out, rate limiting: isUpstreamOutage), an id
 * that still has a stale cache entry (kept `keepStaleForMs` past freshness) is answered from it
 * and the request is told how old it was (`noteStaleData`, reported in `extensions.staleData`);
 * only ids with nothing cached get the error.
 *
 * Per request, `createLoader` wraps the store in a DataLoader, which batches the ids that
 * resolvers ask for in one tick and dedupes repeats.
 */
export interface EntityStoreOptions<V> {
  kind: EntityKind;
  /** Human name used in NOT_FOUND errors, e.g. `Order`. */
  typeName: string;
  /** The vendor endpoint's limit of ids per call. */
  maxBatchSize: number;
  /** Fetches these ids (at most maxBatchSize); ids the vendor does not know are absent. */
  fetchMany(ids: readonly string[]): Promise<ReadonlyMap<string, V>>;
  /** Absent: no cross-request cache (each request goes to the vendor). */
  cache?: EntityCache | undefined;
  /** The cache's clock, for the age of stale entries (default `Date.now`). */
  now?: () => number;
}

export interface EntityStore<V> {
  readonly kind: EntityKind;
  load(ids: readonly string[]): Promise<(V | Error)[]>;
  /** Stores values fetched some other way (e.g. the orders a search returned). */
  prime(entries: ReadonlyMap<string, V>): Promise<void>;
  invalidate(ids: readonly string[]): Promise<void>;
  createLoader(options?: { batch?: boolean }): DataLoader<string, V>;
}

export function createEntityStore<V>(options: EntityStoreOptions<V>): EntityStore<V> {
  const { kind, typeName, maxBatchSize, fetchMany, cache, now = () => Date.now() } = options;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new Error(`maxBatchSize must be a positive integer: ${maxBatchSize}`);
  }
  const inFlight = new Map<string, Promise<V | undefined>>();

  function fetchChunk(ids: string[]): void {
    const batch = fetchMany(ids).then(async (found) => {
      if (cache && found.size > 0) await cache.set(kind, found);
      return found;
    });
    for (const id of ids) {
      const one = batch.then((found) => found.get(id));
      inFlight.set(id, one);
      // Unregister whether it worked or not; a failure is reported to the waiting callers.
      one.then(
        () => inFlight.delete(id),
        () => inFlight.delete(id),
      );
    }
  }

  async function load(ids: readonly string[]): Promise<(V | Error)[]> {
    const cached = cache ? await cache.getFresh<V>(kind, ids) : [];
    const toFetch = new Set<string>();
    for (const [index, id] of ids.entries()) {
      if (!cached[index] && !inFlight.has(id)) toFetch.add(id);
    }
    const pending = [...toFetch];
    for (let start = 0; start < pending.length; start += maxBatchSize) {
      fetchChunk(pending.slice(start, start + maxBatchSize));
    }
    const results = await Promise.all(
      ids.map(async (id, index): Promise<V | Error> => {
        const hit = cached[index];
        if (hit) return hit.value;
        try {
          const value = await inFlight.get(id);
          return value === undefined ? notFound(typeName, id) : value;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
    return cache ? answerStale(cache, ids, results) : results;
  }

  async function answerStale(
    cache: EntityCache,
    ids: readonly string[],
    results: (V | Error)[],
  ): Promise<(V | Error)[]> {
    const failed = results.flatMap((result, index) => (isUpstreamOutage(result) ? [index] : []));
    if (failed.length === 0) return results;
    const stale = await cache.getAny<V>(
      kind,
      failed.map((index) => ids[index] as string),
    );
    const at = now();
    failed.forEach((index, position) => {
      const entry = stale[position];
      if (!entry) return;
      results[index] = entry.value;
      noteStaleData(kind, at - entry.fetchedAt);
    });
    return results;
  }

  return {
    kind,
    load,
    async prime(entries) {
      if (cache && entries.size > 0) await cache.set(kind, entries);
    },
    async invalidate(ids) {
      if (cache) await cache.invalidate(kind, ids);
    },
    createLoader({ batch = true } = {}) {
      return new DataLoader<string, V>((ids) => load(ids), { batch });
    },
  };
}

/** The one key of a store that holds a whole collection the vendor lists in one call. */
export const WHOLE_LIST = 'all';

/**
 * For collections a vendor lists whole (locations, a team roster) but cannot fetch by id in
 * batches: the list is cached under one key, and `byId` picks ids from it.
 */
export function createListLoaders<V extends { id: string }>(
  store: EntityStore<V[]>,
  typeName: string,
): { all(): Promise<V[]>; byId: DataLoader<string, V> } {
  const all = async () => {
    const [list] = await store.load([WHOLE_LIST]);
    if (list instanceof Error) throw list;
    return list as V[];
  };
  return {
    all,
    byId: new DataLoader<string, V>(async (ids) => {
      const found = new Map((await all()).map((value) => [value.id, value]));
      return ids.map((id) => found.get(id) ?? notFound(typeName, id));
    }),
  };
}
