/**
 * Upstream calls and latency of the README query, with loaders and cache off (one vendor call
 * per entity) against on (batched; then warm), for 10, 100 and 1,000 open orders at a location.
 * Every vendor call pays the emulators' latency (EMULATOR_LATENCY_MS, default 20 ms) as a real
 * vendor's would. Usage: npm run bench:upstream-calls
 */

import type { LocalSystem } from '../dev/localSystem.ts';
import { createWorld } from '../emulators/world.ts';
import { defaultOperationLimits } from '../gateway/limits/operationLimits.ts';
import { locationOverviewQuery } from '../schema/operations.ts';
import { postGraphQL } from '../test/graphqlClient.ts';
import { startTestSystem } from '../test/system.ts';

// Per-request log lines would bury the table this prints.
process.env.LOG_LEVEL ??= 'warn';

const latencyMs = Number(process.env.EMULATOR_LATENCY_MS ?? 20);
const orderCounts = [10, 100, 1000];
// A thousand orders with their lines is far above the gateway's default cost limit, on purpose.
const roomyLimits = { ...defaultOperationLimits, maxCost: 10_000_000 };

function totalCalls(system: LocalSystem): number {
  const { pos, inventory, scheduling } = system.emulators;
  return pos.calls.count() + inventory.calls.count() + scheduling.calls.count();
}

async function measure(system: LocalSystem, locationId: string, orders: number) {
  const before = totalCalls(system);
  const started = performance.now();
  const { body } = await postGraphQL(system.gateway.url, locationOverviewQuery, {
    locationId,
    orders,
  });
  const ms = performance.now() - started;
  if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return { calls: totalCalls(system) - before, ms };
}

const rows: string[] = [];
for (const orders of orderCounts) {
  const world = createWorld({ seed: 3, orders: 0 });
  const locationId = world.locations[0]?.id ?? '';
  world.seedOrders(locationId, orders, { state: 'OPEN' });

  const off = await startTestSystem({
    world,
    limits: roomyLimits,
    upstreamLatencyMs: latencyMs,
    subgraphs: { batching: false, caching: false },
  });
  const baseline = await measure(off, locationId, orders);
  await off.close();

  const on = await startTestSystem({ world, limits: roomyLimits, upstreamLatencyMs: latencyMs });
  const cold = await measure(on, locationId, orders);
  const warm = await measure(on, locationId, orders);
  await on.close();

  rows.push(
    `| ${orders} | ${baseline.calls} | ${baseline.ms.toFixed(0)} | ${cold.calls} | ${cold.ms.toFixed(0)} | ${warm.calls} | ${warm.ms.toFixed(0)} | ${(baseline.calls / cold.calls).toFixed(1)}x fewer, ${(baseline.ms / cold.ms).toFixed(1)}x faster |`,
  );
}

console.log(`README query, emulated vendor latency ${latencyMs} ms per call\n`);
console.log(
  '| open orders | off: calls | off: ms | on, cold: calls | on, cold: ms | on, warm: calls | on, warm: ms | on (cold) vs off |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
