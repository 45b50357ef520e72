import { afterAll, describe, expect, it } from 'vitest';
import type { LocalSystem, LocalSystemOptions } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { type GraphQLResponse, postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';
import { fastPolicies } from './fastPolicies.ts';

/**
 * The README query through the gateway while vendor APIs misbehave (emulator fault switches),
 * with the production policies at test speed (budget 1.5 s).
 */
const world = createWorld({ seed: 7, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
const budgetMs = 1_500;

const opened: LocalSystem[] = [];
afterAll(async () => {
  await Promise.all(opened.map((system) => system.close()));
});

async function start(subgraphs: LocalSystemOptions['subgraphs'] = {}): Promise<LocalSystem> {
  const system = await startTestSystem({
    world,
    subgraphs: { resilience: fastPolicies({ requestBudgetMs: budgetMs }), ...subgraphs },
  });
  opened.push(system);
  return system;
}

interface Overview {
  location: {
    name: string;
    openOrders: { id: string; lineItems: { menuItem: { fullName: string; stock: unknown } }[] }[];
    onShiftNow: { displayName: string }[] | null;
    lowStockItems: unknown[] | null;
  } | null;
}

async function overview(system: LocalSystem) {
  const started = performance.now();
  const { status, body } = await postGraphQL<Overview>(system.gateway.url, locationOverviewQuery, {
    locationId,
    orders: 5,
  });
  expect(status).toBe(200);
  return { body, ms: performance.now() - started };
}

const codes = (body: GraphQLResponse<Overview>) =>
  [...new Set(body.errors?.map((error) => error.extensions?.code))].sort();

describe('the README query while vendors fail', () => {
  it('with 30% of every vendor call failing (500/503), all of 200 runs answer in full', async () => {
    // No cache: every run goes to the vendors, so every run meets the faults.
    const system = await start({ caching: false });
    const { body: baseline } = await overview(system);
    expect(baseline.errors).toBeUndefined();
    expect(baseline.data?.location?.openOrders).toHaveLength(5);

    const { pos, inventory, scheduling } = system.emulators;
    pos.faults.set([{ kind: 'error', status: 500, rate: 0.3 }]);
    inventory.faults.set([{ kind: 'error', status: 503, rate: 0.3 }]);
    scheduling.faults.set([{ kind: 'error', status: 503, rate: 0.3 }]);
    for (const emulator of [pos, inventory, scheduling]) emulator.calls.reset();

    const answers: GraphQLResponse<Overview>[] = [];
    const lanes = 10;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let run = 0; run < 200 / lanes; run++) answers.push((await overview(system)).body);
      }),
    );
    expect(answers).toHaveLength(200);
    expect(answers.filter((answer) => answer.errors !== undefined)).toEqual([]);
    for (const answer of answers) expect(answer.data).toEqual(baseline.data);

    // The faults were really there: 30% of what each vendor answered was a 5xx.
    for (const emulator of [pos, inventory, scheduling]) {
      const statuses = emulator.calls.list().map((call) => call.status);
      const failed = statuses.filter((status) => status >= 500).length;
      expect(failed / statuses.length).toBeGreaterThan(0.28);
      expect(failed / statuses.length).toBeLessThan(0.32);
    }
  });

  it('with inventory down, the answer comes within the budget: POS and scheduling data, UPSTREAM_UNAVAILABLE on stock only', async () => {
    const system = await start({ caching: false });
    const { body: healthy } = await overview(system);
    system.emulators.inventory.faults.set([{ kind: 'outage' }]);

    const { body, ms } = await overview(system);
    expect(ms).toBeLessThan(budgetMs);
    const location = body.data?.location;
    const expected = healthy.data?.location;
    expect(location?.name).toBe(expected?.name);
    expect(location?.onShiftNow).toEqual(expected?.onShiftNow);
    expect(location?.lowStockItems).toBeNull();
    expect(location?.openOrders.map((order) => order.id)).toEqual(
      expected?.openOrders.map((order) => order.id),
    );
    const lines = location?.openOrders.flatMap((order) => order.lineItems) ?? [];
    expect(lines.map((line) => line.menuItem.fullName)).toEqual(
      expected?.openOrders.flatMap((order) => order.lineItems.map((l) => l.menuItem.fullName)),
    );
    expect(lines.every((line) => line.menuItem.stock === null)).toBe(true);

    expect(codes(body)).toEqual(['UPSTREAM_UNAVAILABLE']);
    const paths = body.errors?.map((error) => error.path?.join('.')) ?? [];
    const stockPaths = location?.openOrders.flatMap((order, o) =>
      order.lineItems.map((_, l) => `location.openOrders.${o}.lineItems.${l}.menuItem.stock`),
    );
    expect(paths.sort()).toEqual([...(stockPaths ?? []), 'location.lowStockItems'].sort());
    expect(body.errors?.every((error) => error.extensions?.upstream === 'inventory')).toBe(true);
  });

  it('the circuit stops calls to a dead vendor, and the answers are full again soon after it returns', async () => {
    const system = await start({ caching: false });
    const { inventory } = system.emulators;
    inventory.faults.set([{ kind: 'outage' }]);
    inventory.calls.reset();
    for (let i = 0; i < 3; i++) await overview(system);
    const callsOnceOpen = inventory.calls.count();
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const { body, ms } = await overview(system);
      expect(codes(body)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(ms).toBeLessThan(200); // failing fast: no tries, no backoff
    }
    // Without the breaker: 2 calls a query, 4 tries each. With it: one probe per half-open.
    const probes = inventory.calls.count() - callsOnceOpen;
    expect(probes).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / 400));

    inventory.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 450)); // halfOpenAfterMs 400
    const { body } = await overview(system);
    expect(body.errors).toBeUndefined();
    expect(inventory.calls.count()).toBeGreaterThan(callsOnceOpen);
  });

  it('with scheduling hanging, the answer comes at the budget with UPSTREAM_TIMEOUT on onShiftNow only', async () => {
    const system = await start({ caching: false });
    system.emulators.scheduling.faults.set([{ kind: 'hang' }]);
    const { body, ms } = await overview(system);
    expect(ms).toBeGreaterThanOrEqual(budgetMs - 50);
    expect(ms).toBeLessThan(budgetMs + 500);
    expect(body.data?.location?.onShiftNow).toBeNull();
    expect(body.data?.location?.openOrders).toHaveLength(5);
    expect(body.data?.location?.lowStockItems?.length).toBeGreaterThan(0);
    expect(codes(body)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(body.errors?.map((error) => error.path)).toEqual([['location', 'onShiftNow']]);
  });

  it('with POS down and nothing cached, the location is null with UPSTREAM_UNAVAILABLE', async () => {
    const system = await start();
    system.emulators.pos.faults.set([{ kind: 'error', status: 503 }]);
    const { body, ms } = await overview(system);
    expect(ms).toBeLessThan(budgetMs);
    expect(body.data).toEqual({ location: null });
    expect(codes(body)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });
});
