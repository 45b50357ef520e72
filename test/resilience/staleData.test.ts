import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { createCounters } from '../../platform/counters.ts';
import { ErrorCode } from '../../platform/errors.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { freshForMs } from '../../subgraphs/kit/cachePolicy.ts';
import { createEntityCache } from '../../subgraphs/kit/entityCache.ts';
import { createEntityStore } from '../../subgraphs/kit/entityStore.ts';
import { staleDataSoFar, withRequestScope } from '../../subgraphs/kit/requestScope.ts';
import { UpstreamError } from '../../subgraphs/kit/upstreamErrors.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';
import { fastPolicies } from './fastPolicies.ts';

const outage = (code: 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_BAD_RESPONSE') =>
  new UpstreamError(ErrorCode[code], 'pos: down', { upstream: 'pos', endpoint: 'x', status: 503 });

describe('an entity store while its vendor is down', () => {
  function storeOver(fail: { error?: Error }) {
    let now = 1_000_000;
    const cache = createEntityCache({
      namespace: 'stale',
      counters: createCounters(),
      now: () => now,
    });
    const store = createEntityStore<{ id: string }>({
      kind: 'order',
      typeName: 'Order',
      maxBatchSize: 10,
      cache,
      now: () => now,
      fetchMany: async (ids) => {
        if (fail.error) throw fail.error;
        return new Map(ids.filter((id) => id !== 'gone').map((id) => [id, { id }]));
      },
    });
    return { store, advance: (ms: number) => (now += ms) };
  }

  it('answers from a stale entry, and tells the request how old it is', async () => {
    const fail: { error?: Error } = {};
    const { store, advance } = storeOver(fail);
    await store.load(['a', 'b']);
    advance(freshForMs.order + 5_000);
    fail.error = outage('UPSTREAM_UNAVAILABLE');

    const { results, stale } = await withRequestScope(1_000, async () => ({
      results: await store.load(['a', 'c', 'b']),
      stale: staleDataSoFar(),
    }));
    expect(results[0]).toEqual({ id: 'a' });
    expect(results[2]).toEqual({ id: 'b' });
    // Never fetched, nothing to fall back on: the outage itself.
    expect((results[1] as UpstreamError).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(stale).toEqual([{ kind: 'order', ageMs: freshForMs.order + 5_000 }]);
    // Another request's scope saw nothing of it.
    expect(await withRequestScope(1_000, async () => staleDataSoFar())).toEqual([]);
  });

  it('does not hide a vendor that answered wrongly: only outages fall back', async () => {
    const fail: { error?: Error } = {};
    const { store, advance } = storeOver(fail);
    await store.load(['a']);
    advance(freshForMs.order + 5_000);
    fail.error = outage('UPSTREAM_BAD_RESPONSE');
    const [result] = await store.load(['a']);
    expect((result as UpstreamError).extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});

describe('stale data through the gateway', () => {
  const world = createWorld({ seed: 7, now: new Date('2026-11-26T12:00:00Z') });
  const locationId = world.locations[0]?.id ?? '';
  let system: LocalSystem | undefined;
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('with POS down, a warm cache answers in full and extensions.staleData says what and how old', async () => {
    system = await startTestSystem({
      world,
      subgraphs: { resilience: fastPolicies() },
    });
    const ask = () =>
      postGraphQL(system?.gateway.url ?? '', locationOverviewQuery, { locationId, orders: 5 });
    const { body: warm } = await ask();
    expect(warm.errors).toBeUndefined();
    expect(warm.extensions).toBeUndefined();

    // Eleven minutes on, every POS entry is past its freshness; the vendor is down.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    system.emulators.pos.faults.set([{ kind: 'outage' }]);
    const { status, body } = await ask();

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(warm.data);
    const staleData = body.extensions?.staleData as {
      subgraph: string;
      kind: string;
      ageMs: number;
    }[];
    expect(new Set(staleData.map((entry) => `${entry.subgraph}:${entry.kind}`))).toEqual(
      new Set(['pos:location', 'pos:openOrdersByLocation', 'pos:catalogVariation']),
    );
    for (const entry of staleData) {
      expect(entry.ageMs).toBeGreaterThanOrEqual(11 * 60_000);
      expect(entry.ageMs).toBeLessThan(12 * 60_000);
    }
    // Inventory and scheduling were up: their data is fresh again, and not marked.
    expect(system.emulators.inventory.calls.count()).toBeGreaterThan(0);
  });
});
