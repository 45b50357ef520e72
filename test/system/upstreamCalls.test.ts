import { afterAll, describe, expect, it } from 'vitest';
import type { LocalSystem, LocalSystemOptions } from '../../dev/localSystem.ts';
import { createWorld, type World } from '../../emulators/world.ts';
import { defaultOperationLimits } from '../../gateway/limits/operationLimits.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';
import { startTestSystem } from '../system.ts';

const opened: LocalSystem[] = [];
afterAll(async () => {
  await Promise.all(opened.map((system) => system.close()));
});

/** A world whose first location has exactly `openOrders` open orders (and no other orders). */
function worldWithOpenOrders(openOrders: number): { world: World; locationId: string } {
  const world = createWorld({ seed: 3, now: new Date('2026-11-26T12:00:00Z'), orders: 0 });
  const locationId = world.locations[0]?.id ?? '';
  world.seedOrders(locationId, openOrders, { state: 'OPEN' });
  return { world, locationId };
}

// Hundreds of orders with their lines are far above the default cost limit, on purpose.
const roomyLimits = { ...defaultOperationLimits, maxCost: 1_000_000 };

async function start(world: World, options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const system = await startTestSystem({ world, limits: roomyLimits, ...options });
  opened.push(system);
  return system;
}

function callsByEndpoint(system: LocalSystem): Record<string, number> {
  const { pos, inventory, scheduling } = system.emulators;
  return {
    ...pos.calls.byEndpoint(),
    ...inventory.calls.byEndpoint(),
    ...scheduling.calls.byEndpoint(),
  };
}

function resetCalls(system: LocalSystem): void {
  for (const emulator of [
    system.emulators.pos,
    system.emulators.inventory,
    system.emulators.scheduling,
  ]) {
    emulator.calls.reset();
  }
}

async function overview(system: LocalSystem, locationId: string, orders: number) {
  const { body } = await postGraphQL<{ location: { openOrders: unknown[] } }>(
    system.gateway.url,
    locationOverviewQuery,
    { locationId, orders },
  );
  expect(body.errors).toBeUndefined();
  return body.data?.location;
}

/** The variation ids on the open orders' lines, each once, sorted. */
function lineItemVariations(world: World, locationId: string): string[] {
  const ids = [...world.orders.values()]
    .filter((o) => o.location_id === locationId && o.state === 'OPEN')
    .flatMap((o) => (o.line_items ?? []).flatMap((line) => line.catalog_object_id ?? []));
  return [...new Set(ids)].sort();
}

function lowStockVariations(world: World, locationId: string): string[] {
  return [...world.inventoryCounts.values()]
    .filter((c) => c.location_id === locationId && c.state === 'IN_STOCK' && Number(c.quantity) < 5)
    .map((c) => c.catalog_object_id ?? '')
    .sort();
}

describe('upstream calls of the README query', () => {
  for (const openOrders of [10, 500]) {
    it(`with ${openOrders} open orders: one call per endpoint and data dependency, whatever the order count`, async () => {
      const { world, locationId } = worldWithOpenOrders(openOrders);
      const system = await start(world);
      const location = await overview(system, locationId, openOrders);
      expect(location?.openOrders).toHaveLength(openOrders);

      const onLines = lineItemVariations(world, locationId);
      // Low-stock items are known only once inventory answered; POS fetches those its cache lacks.
      const lowOnlyIds = lowStockVariations(world, locationId).filter(
        (id) => !onLines.includes(id),
      );
      expect(callsByEndpoint(system)).toEqual({
        'GET /v2/locations': 1,
        'POST /v2/orders/search': 1,
        'POST /v2/catalog/batch-retrieve': lowOnlyIds.length > 0 ? 2 : 1,
        'POST /v2/inventory/counts/batch-retrieve': 2,
        'POST /v2/labor/timecards/search': 1,
        'POST /v2/team-members/search': 1,
      });

      const catalogBatches = system.emulators.pos.calls
        .list()
        .filter((call) => call.endpoint === 'POST /v2/catalog/batch-retrieve')
        .map((call) => [...(call.body as { object_ids: string[] }).object_ids].sort());
      expect(catalogBatches).toEqual(
        lowOnlyIds.length > 0 ? [onLines, lowOnlyIds.sort()] : [onLines],
      );

      const stockBatches = system.emulators.inventory.calls.list().map((call) => call.body);
      expect(stockBatches).toContainEqual({
        catalog_object_ids: expect.arrayContaining(onLines),
        states: ['IN_STOCK'],
        limit: 1000,
      });
      expect(stockBatches).toContainEqual({
        location_ids: [locationId],
        states: ['IN_STOCK'],
        limit: 1000,
      });
    });
  }

  it('10 and 500 open orders make the same number of calls apart from catalog lookups the cache already had', async () => {
    const counts = [];
    for (const openOrders of [10, 500]) {
      const { world, locationId } = worldWithOpenOrders(openOrders);
      const system = await start(world);
      await overview(system, locationId, openOrders);
      const { 'POST /v2/catalog/batch-retrieve': catalog, ...rest } = callsByEndpoint(system);
      counts.push({ rest, catalogAtMost2: (catalog ?? 0) <= 2 });
    }
    expect(counts[0]).toEqual(counts[1]);
  });

  it('the same query within the TTL makes no upstream call; invalidating one stock entry refetches only it', async () => {
    const { world, locationId } = worldWithOpenOrders(20);
    const system = await start(world);
    await overview(system, locationId, 20);
    resetCalls(system);

    const again = await overview(system, locationId, 20);
    expect(callsByEndpoint(system)).toEqual({});
    expect(again?.openOrders).toHaveLength(20);

    const [variationId] = lineItemVariations(world, locationId);
    await system.inventory.stores.stockByMenuItem.invalidate([variationId as string]);
    await overview(system, locationId, 20);
    expect(system.emulators.inventory.calls.list()).toEqual([
      {
        endpoint: 'POST /v2/inventory/counts/batch-retrieve',
        status: 200,
        body: { catalog_object_ids: [variationId], states: ['IN_STOCK'], limit: 1000 },
      },
    ]);
    expect(callsByEndpoint(system)).toEqual({ 'POST /v2/inventory/counts/batch-retrieve': 1 });
  });

  it('50 simultaneous queries on a cold cache make the calls of one', async () => {
    const { world, locationId } = worldWithOpenOrders(30);
    const single = await start(world);
    await overview(single, locationId, 30);
    const crowd = await start(world);
    await Promise.all(Array.from({ length: 50 }, () => overview(crowd, locationId, 30)));
    expect(callsByEndpoint(crowd)).toEqual(callsByEndpoint(single));
  });

  it('with batching and cache off, each entity is its own call (the baseline the bench compares)', async () => {
    const { world, locationId } = worldWithOpenOrders(10);
    const system = await start(world, { subgraphs: { batching: false, caching: false } });
    await overview(system, locationId, 10);
    const calls = callsByEndpoint(system);
    const lines = [...world.orders.values()].flatMap((o) => o.line_items ?? []);
    const onLines = lineItemVariations(world, locationId);
    // One stock call per distinct variation plus the location's; one catalog call per variation
    // in each POS request (lines, then low-stock items: nothing is remembered between them).
    expect(calls['POST /v2/inventory/counts/batch-retrieve']).toBe(onLines.length + 1);
    expect(calls['POST /v2/catalog/batch-retrieve']).toBe(
      onLines.length + lowStockVariations(world, locationId).length,
    );
    expect(lines.length).toBeGreaterThan(onLines.length);
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('shared L2 cache on Redis', () => {
  it('a second set of subgraph instances answers its first query from Redis, without upstream calls', async () => {
    const { world, locationId } = worldWithOpenOrders(25);
    const subgraphs = { redisUrl: testRedisUrl, cachePrefix: uniqueNamespace('l2') };
    const first = await start(world, { subgraphs });
    const expected = await overview(first, locationId, 25);
    expect(Object.keys(callsByEndpoint(first)).length).toBeGreaterThan(0);

    const second = await start(world, { subgraphs });
    const answer = await overview(second, locationId, 25);
    expect(answer).toEqual(expected);
    expect(callsByEndpoint(second)).toEqual({});
    expect(second.pos.counters.get('cache_lookups', { tier: 'l2', result: 'hit' })).toBeGreaterThan(
      0,
    );
  });
});
