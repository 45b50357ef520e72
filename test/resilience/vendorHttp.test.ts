import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import { createCounters } from '../../platform/counters.ts';
import { createInProcessRateLimiter } from '../../subgraphs/kit/rateLimiter.ts';
import type { ResilienceSettings } from '../../subgraphs/kit/resilience.ts';
import { squareWire } from '../../subgraphs/kit/square/squareWire.ts';
import type { UpstreamError } from '../../subgraphs/kit/upstreamErrors.ts';
import { createVendorHttp } from '../../subgraphs/kit/vendorHttp.ts';
import { startTestEmulators, TOKEN } from '../emulators/square-client.ts';
import { fastPolicies } from './fastPolicies.ts';

/**
 * The kit's vendor client under the emulators' faults, over real HTTP: what each policy does,
 * asserted on the calls the emulator logged.
 */
let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());
afterEach(() => {
  for (const emulator of [system.pos, system.inventory, system.scheduling]) {
    emulator.faults.clear();
    emulator.calls.reset();
  }
});

function client(
  upstream: 'pos' | 'inventory',
  resilience: ResilienceSettings = fastPolicies(),
  timeoutMs = 500,
) {
  const counters = createCounters();
  const http = createVendorHttp({
    upstream,
    baseUrl: system[upstream].url,
    token: TOKEN,
    timeoutMs,
    counters,
    wire: squareWire,
    resilience,
    rateLimiter: createInProcessRateLimiter(),
  });
  return { http, counters };
}

const listLocations = { method: 'GET', route: '/v2/locations', path: '/v2/locations' } as const;

async function failure(call: Promise<unknown>): Promise<UpstreamError> {
  try {
    await call;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('the call did not fail');
}

const statuses = (emulator: Emulators['pos']) => emulator.calls.list().map((call) => call.status);

describe('retries', () => {
  it('a read is retried through 5xx answers and dropped connections until it gets through', async () => {
    system.pos.faults.set([
      { kind: 'error', rate: 0.5, endpoint: 'GET /v2/locations' },
      // Spread evenly, 0.25 would always land on the error's calls; a seed scatters it.
      { kind: 'drop', rate: 0.25, seed: 7, endpoint: 'GET /v2/locations' },
    ]);
    // Over half the tries fail here; a breaker at its usual ratio would rightly open.
    const { http, counters } = client(
      'pos',
      fastPolicies({
        // A budget wide enough for over half the tries failing: this is about the retries.
        retry: { maxRetries: 8, initialDelayMs: 5, maxDelayMs: 40, budgetRatio: 10 },
        breaker: { failureRatio: 0.9, windowMs: 2_000, minimumCalls: 6, halfOpenAfterMs: 400 },
      }),
    );
    for (let i = 0; i < 10; i++) {
      const body = await http.request<{ locations: unknown[] }>(listLocations);
      expect(body?.locations).toHaveLength(3);
    }
    const seen = statuses(system.pos);
    expect(seen.filter((status) => status === 200)).toHaveLength(10);
    expect(seen.filter((status) => status === 500).length).toBeGreaterThan(5);
    expect(seen.filter((status) => status === 0).length).toBeGreaterThan(2);
    expect(counters.get('upstream_retries', { upstream: 'pos' })).toBe(seen.length - 10);
  });

  it('waits as long as Retry-After says before the next try', async () => {
    system.pos.faults.set([{ kind: 'rateLimit', rate: 0.5, retryAfterSeconds: 0.3 }]);
    const { http } = client('pos');
    await http.request(listLocations); // call 1 of the rule passes, call 2 is the 429
    await http.request(listLocations);
    expect(statuses(system.pos)).toEqual([200, 429, 200]);
    const [, limited = 0, retried = 0] = system.pos.calls.arrivals();
    expect(retried - limited).toBeGreaterThanOrEqual(290);
  });

  it('a try that hangs is abandoned at the timeout and retried; the call ends with the budget', async () => {
    system.pos.faults.set([{ kind: 'hang' }]);
    const { http } = client('pos', fastPolicies({ requestBudgetMs: 450 }), 100);
    const started = performance.now();
    const error = await failure(http.request(listLocations));
    const elapsed = performance.now() - started;
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', upstream: 'pos' });
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(650);
    expect(statuses(system.pos)).toEqual([0, 0, 0, 0]);
  });

  it('a write without an idempotency key is tried once; with a key it is retried', async () => {
    system.pos.faults.set([{ kind: 'outage', endpoint: 'POST /v2/orders' }]);
    const { http } = client('pos');
    const create = (body: object) =>
      failure(http.request({ method: 'POST', route: '/v2/orders', path: '/v2/orders', body }));
    const order = { location_id: system.world.locations[0]?.id, line_items: [] };

    expect((await create({ order })).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(system.pos.calls.count('POST /v2/orders')).toBe(1);

    await create({ idempotency_key: 'order-with-key', order });
    expect(system.pos.calls.count('POST /v2/orders')).toBe(1 + 4);
  });

  it("a 4xx is the caller's mistake: not retried", async () => {
    const { http } = client('pos');
    const error = await failure(
      http.request({
        method: 'POST',
        route: '/v2/orders/search',
        path: '/v2/orders/search',
        body: { limit: 0 },
      }),
    );
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', status: 400 });
    expect(system.pos.calls.count()).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, stops calling the vendor, and closes once a probe works', async () => {
    system.pos.faults.set([{ kind: 'outage' }]);
    const { http, counters } = client('pos');
    while (http.circuit() === 'closed') await failure(http.request(listLocations));
    const callsWhenOpened = system.pos.calls.count();
    // minimumCalls 6: the sixth failed try (of the second call) opens it.
    expect(callsWhenOpened).toBe(6);

    for (let i = 0; i < 20; i++) {
      const error = await failure(http.request(listLocations));
      expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).toContain('circuit open');
    }
    expect(system.pos.calls.count()).toBe(callsWhenOpened);

    // Still down at the half-open probe: one call goes through, and the circuit opens again.
    await new Promise((resolve) => setTimeout(resolve, 450));
    await failure(http.request(listLocations));
    expect(system.pos.calls.count()).toBe(callsWhenOpened + 1);
    expect(http.circuit()).toBe('open');

    system.pos.faults.clear();
    await failure(http.request(listLocations)); // recovered, but the circuit does not know yet
    expect(system.pos.calls.count()).toBe(callsWhenOpened + 1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await http.request(listLocations)).toMatchObject({ locations: expect.any(Array) });
    expect(http.circuit()).toBe('closed');
    for (let i = 0; i < 5; i++) await http.request(listLocations);
    expect(system.pos.calls.count()).toBe(callsWhenOpened + 2 + 5);
    expect(counters.snapshot()).toMatchObject({
      'upstream_circuit_changes{state="open",upstream="pos"}': 2,
      'upstream_circuit_changes{state="half-open",upstream="pos"}': 2,
      'upstream_circuit_changes{state="closed",upstream="pos"}': 1,
    });
  });

  it('429s and 4xx do not open it: the vendor is up', async () => {
    system.pos.faults.set([{ kind: 'rateLimit' }]);
    const { http } = client(
      'pos',
      fastPolicies({ retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 } }),
    );
    for (let i = 0; i < 12; i++) await failure(http.request(listLocations));
    expect(http.circuit()).toBe('closed');
    expect(system.pos.calls.count()).toBe(12);
  });
});

describe('client-side rate limit', () => {
  it('in a 429 storm the calls stay within the quota, and every write is applied exactly once', async () => {
    const quota = { perSecond: 40, burst: 4 };
    const endpoint = 'POST /v2/inventory/changes/batch-create';
    system.inventory.faults.set([
      { kind: 'rateLimit', rate: 0.5, retryAfterSeconds: 0.05, endpoint },
      // The write is applied and its answer lost: only the idempotency key saves it.
      { kind: 'drop', afterHandling: true, rate: 0.25, seed: 7, endpoint },
    ]);
    const { http } = client(
      'inventory',
      fastPolicies({
        requestBudgetMs: 10_000,
        retry: { maxRetries: 10, initialDelayMs: 10, maxDelayMs: 100, budgetRatio: 10 },
        rateLimit: quota,
      }),
    );
    const variation = [...system.world.catalog.values()].find(
      (object) => object.item_variation_data?.track_inventory,
    );
    const locationId = system.world.locations[1]?.id;
    const inStock = () =>
      Number(
        system.world.inventoryCounts.get(`${variation?.id}:${locationId}:IN_STOCK`)?.quantity ??
          '0',
      );
    const before = inStock();
    const historyBefore = system.world.inventoryChanges.length;

    const writes = 30;
    await Promise.all(
      Array.from({ length: writes }, (_, index) =>
        http.request({
          method: 'POST',
          route: '/v2/inventory/changes/batch-create',
          path: '/v2/inventory/changes/batch-create',
          body: {
            idempotency_key: `storm-${index}`,
            changes: [
              {
                type: 'ADJUSTMENT',
                adjustment: {
                  catalog_object_id: variation?.id,
                  location_id: locationId,
                  from_state: 'NONE',
                  to_state: 'IN_STOCK',
                  quantity: '1',
                  occurred_at: system.world.clock().toISOString(),
                },
              },
            ],
          },
        }),
      ),
    );

    expect(inStock()).toBe(before + writes);
    expect(system.world.inventoryChanges.length - historyBefore).toBe(writes);
    const seen = statuses(system.inventory);
    expect(seen.filter((status) => status === 429).length).toBeGreaterThan(10);
    expect(seen.filter((status) => status === 0).length).toBeGreaterThan(5);

    // A token bucket lets at most burst + perSecond * T calls through in any T seconds.
    const arrivals = system.inventory.calls.arrivals();
    const windowMs = 250;
    const mostInAWindow = Math.max(
      ...arrivals.map((start) => arrivals.filter((t) => t >= start && t < start + windowMs).length),
    );
    expect(mostInAWindow).toBeLessThanOrEqual(
      quota.burst + (quota.perSecond * windowMs) / 1000 + 1,
    );
    const overall =
      ((arrivals.length - quota.burst) / ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0))) * 1000;
    expect(overall).toBeLessThanOrEqual(quota.perSecond * 1.1);
  });

  it('a call the quota cannot serve within the budget fails at once, without calling', async () => {
    const { http } = client(
      'pos',
      fastPolicies({ requestBudgetMs: 300, rateLimit: { perSecond: 1, burst: 1 } }),
    );
    await http.request(listLocations);
    const started = performance.now();
    const error = await failure(http.request(listLocations));
    expect(performance.now() - started).toBeLessThan(50);
    expect(error.extensions.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(system.pos.calls.count()).toBe(1);
  });
});
