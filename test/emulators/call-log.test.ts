import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import { startPosEmulator } from '../../emulators/pos.ts';
import { createWorld } from '../../emulators/world.ts';
import { NOW, squareClient, startTestEmulators, TOKEN } from './square-client.ts';

let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());
beforeEach(() => {
  system.pos.calls.reset();
});

it('counts each request under its method and route template', async () => {
  const pos = squareClient(system.pos.url);
  const [first, second] = system.world.orders.keys();
  await pos.get(`/v2/orders/${first}`);
  await pos.get(`/v2/orders/${second}`);
  await pos.post('/v2/orders/batch-retrieve', { order_ids: [first, second] });
  expect(system.pos.calls.byEndpoint()).toEqual({
    'GET /v2/orders/{order_id}': 2,
    'POST /v2/orders/batch-retrieve': 1,
  });
  expect(system.pos.calls.count()).toBe(3);
  expect(system.pos.calls.count('GET /v2/orders/{order_id}')).toBe(2);
  expect(system.inventory.calls.count()).toBe(0);
});

it('records the status and the parsed body, or the query parameters of a GET', async () => {
  const pos = squareClient(system.pos.url);
  await pos.post('/v2/orders/batch-retrieve', { order_ids: ['A'], location_id: 'L1' });
  await pos.get('/v2/catalog/list?types=ITEM');
  await squareClient(system.pos.url, 'wrong').get('/v2/locations');
  expect(system.pos.calls.list()).toEqual([
    {
      endpoint: 'POST /v2/orders/batch-retrieve',
      status: 200,
      body: { order_ids: ['A'], location_id: 'L1' },
    },
    { endpoint: 'GET /v2/catalog/list', status: 200, body: { types: 'ITEM' } },
    { endpoint: 'GET /v2/locations', status: 401, body: {} },
  ]);
});

it('serves the counts on an admin route that needs no token and is not itself logged', async () => {
  await squareClient(system.pos.url).get('/v2/locations');
  const admin = squareClient(system.pos.url, null);
  expect(await admin.get('/__admin/calls')).toEqual({
    status: 200,
    body: { 'GET /v2/locations': 1 },
  });
  expect(await admin.post('/__admin/calls/reset', {})).toEqual({ status: 200, body: {} });
  expect(await admin.get('/__admin/calls')).toEqual({ status: 200, body: {} });
  expect(system.pos.calls.count()).toBe(0);
});

it('waits the configured latency before answering', async () => {
  const slow = await startPosEmulator({
    world: createWorld({ now: NOW, orders: 10 }),
    token: TOKEN,
    latencyMs: 60,
  });
  try {
    const started = performance.now();
    const response = await squareClient(slow.url).get('/v2/locations');
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  } finally {
    await slow.close();
  }
});
