import { describe, expect, it } from 'vitest';
import { createCounters } from '../../platform/counters.ts';
import { createEntityCache } from '../../subgraphs/kit/entityCache.ts';
import { createEntityStore } from '../../subgraphs/kit/entityStore.ts';

interface Thing {
  id: string;
  n: number;
}

/** A vendor batch endpoint that knows ids `a`..`z` and records every batch it is asked for. */
function fakeVendor(options: { failWith?: Error; delayMs?: number } = {}) {
  const batches: string[][] = [];
  return {
    batches,
    async fetchMany(ids: readonly string[]) {
      batches.push([...ids]);
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (options.failWith) throw options.failWith;
      return new Map(
        ids.filter((id) => /^[a-z]$/.test(id)).map((id) => [id, { id, n: id.charCodeAt(0) }]),
      );
    },
  };
}

function storeWith(vendor: ReturnType<typeof fakeVendor>, maxBatchSize: number, cached = false) {
  const counters = createCounters();
  const cache = cached ? createEntityCache({ namespace: 'test', counters }) : undefined;
  const store = createEntityStore<Thing>({
    kind: 'order',
    typeName: 'Thing',
    maxBatchSize,
    cache,
    fetchMany: (ids) => vendor.fetchMany(ids),
  });
  return { store, counters, cache };
}

describe('entity store', () => {
  it('batches the keys of one tick into one call, deduped, split at the vendor limit', async () => {
    const vendor = fakeVendor();
    const { store } = storeWith(vendor, 2);
    const loader = store.createLoader();
    const results = await Promise.all(['a', 'b', 'a', 'c', 'd', 'e'].map((id) => loader.load(id)));
    expect(results.map((r) => r.id)).toEqual(['a', 'b', 'a', 'c', 'd', 'e']);
    expect(vendor.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('gives a NOT_FOUND error for an id the vendor left out, and values for the rest', async () => {
    const vendor = fakeVendor();
    const { store } = storeWith(vendor, 100);
    const results = await store.load(['a', 'MISSING', 'b']);
    expect(results[0]).toEqual({ id: 'a', n: 97 });
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error & { extensions: object }).extensions).toEqual({
      code: 'NOT_FOUND',
      kind: 'Thing',
      id: 'MISSING',
    });
    expect(results[2]).toEqual({ id: 'b', n: 98 });
  });

  it('fails every key of a batch that fails as a whole and caches none of them', async () => {
    const boom = new Error('vendor down');
    const failing = fakeVendor({ failWith: boom });
    const { store, cache } = storeWith(failing, 100, true);
    expect(await store.load(['a', 'b'])).toEqual([boom, boom]);
    expect(await cache?.getAny('order', ['a', 'b'])).toEqual([undefined, undefined]);
  });

  it('coalesces 50 simultaneous requests for the same ids into one vendor call', async () => {
    const vendor = fakeVendor({ delayMs: 20 });
    const { store } = storeWith(vendor, 100, true);
    const requests = Array.from({ length: 50 }, () => store.createLoader().loadMany(['a', 'b']));
    const results = await Promise.all(requests);
    expect(vendor.batches).toEqual([['a', 'b']]);
    expect(
      results.every(
        (r) =>
          JSON.stringify(r) ===
          JSON.stringify([
            { id: 'a', n: 97 },
            { id: 'b', n: 98 },
          ]),
      ),
    ).toBe(true);
  });

  it('answers fresh ids from the cache and refetches only an invalidated one', async () => {
    const vendor = fakeVendor();
    const { store, counters } = storeWith(vendor, 100, true);
    await store.load(['a', 'b', 'c']);
    await store.load(['a', 'b', 'c']);
    expect(vendor.batches).toEqual([['a', 'b', 'c']]);
    expect(counters.get('cache_lookups', { tier: 'l1', result: 'hit' })).toBe(3);
    await store.invalidate(['b']);
    await store.load(['a', 'b', 'c']);
    expect(vendor.batches).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('refuses a batch limit that is not a positive integer', () => {
    expect(() => storeWith(fakeVendor(), 0)).toThrow('maxBatchSize must be a positive integer: 0');
  });
});
