import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedService, spawnService } from '../processes.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';
import { trustedSubgraphHeaders } from '../system.ts';

/**
 * One vendor quota per API token, however many instances call with it: the inventory
 * emulator, as its own process, allows 10 calls a second (a burst of 10) and answers 429
 * beyond; each inventory subgraph instance, as its own process, keeps to 8 a second (a burst
 * of 8), which alone fits. Two instances sharing their bucket in Redis still fit; two keeping
 * a bucket each (the control) do not. Caching is off so every request costs a vendor call.
 */
const withRedis = await redisAvailable();

const running: SpawnedService[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
});

const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);
const vendorQuota = { perSecond: 10, burst: 10 };
const instanceLimit = { perSecond: 8, burst: 8 };

let inventoryApi = '';
let stockQuery = '';

async function startInstance(store: 'redis' | 'memory', cachePrefix: string): Promise<string> {
  const service = spawnService('subgraphs/inventory/main.ts', {
    REDIS_URL: testRedisUrl,
    CACHE_PREFIX: cachePrefix,
    RATE_LIMIT_STORE: store,
    INVENTORY_SUBGRAPH_PORT: '0',
    INVENTORY_API_URL: inventoryApi,
    INVENTORY_API_RATE_PER_SECOND: String(instanceLimit.perSecond),
    INVENTORY_API_RATE_BURST: String(instanceLimit.burst),
    // A caller waits for the bucket at most this long, then gets UPSTREAM_RATE_LIMITED.
    SUBGRAPH_REQUEST_BUDGET_MS: '2000',
    SUBGRAPH_CACHE: 'false',
    RECONCILE_INTERVAL_MS: '0',
  });
  running.push(service);
  return (await service.waitFor(urlPattern('inventory subgraph at')))[1] ?? '';
}

/**
 * Keeps four callers busy on each instance for `ms`; returns the answers with data per
 * instance (an instance shares one vendor call among identical concurrent requests).
 */
async function demand(instances: string[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  const headers = { ...trustedSubgraphHeaders(), 'content-type': 'application/json' };
  return Promise.all(
    instances.map(async (url) => {
      let answered = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            const response = await fetch(url, {
              method: 'POST',
              headers,
              body: JSON.stringify({ query: stockQuery }),
            });
            const body = (await response.json()) as { data?: { stock: unknown } };
            if (body.data?.stock) answered += 1;
          }
        }),
      );
      return answered;
    }),
  );
}

async function vendorAnswers(): Promise<Record<string, number>> {
  return (await (await fetch(`${inventoryApi}/__admin/calls/statuses`)).json()) as Record<
    string,
    number
  >;
}

/** A fresh window: the vendor's bucket (and the shared one) full again, the call log empty. */
async function refill(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await fetch(`${inventoryApi}/__admin/calls/reset`, { method: 'POST' });
}

describe.skipIf(!withRedis)('one vendor quota shared by subgraph instances through Redis', () => {
  const shared: string[] = [];
  const separate: string[] = [];

  beforeAll(async () => {
    const emulators = spawnService('emulators/main.ts', {
      POS_EMULATOR_PORT: '0',
      INVENTORY_EMULATOR_PORT: '0',
      SCHEDULING_EMULATOR_PORT: '0',
      EMULATOR_FAULTS: JSON.stringify({ inventory: [{ kind: 'quota', ...vendorQuota }] }),
    });
    running.push(emulators);
    const posApi = (await emulators.waitFor(urlPattern('pos emulator')))[1] ?? '';
    inventoryApi = (await emulators.waitFor(urlPattern('inventory emulator')))[1] ?? '';
    const token = { authorization: 'Bearer dev-square-token' };
    const [variations, locations] = await Promise.all([
      fetch(`${posApi}/v2/catalog/list?types=ITEM_VARIATION`, { headers: token }).then(
        (r) => r.json() as Promise<{ objects: { id: string }[] }>,
      ),
      fetch(`${posApi}/v2/locations`, { headers: token }).then(
        (r) => r.json() as Promise<{ locations: { id: string }[] }>,
      ),
    ]);
    stockQuery = `{ stock(menuItemId: "${variations.objects[0]?.id}", locationId: "${locations.locations[0]?.id}") { quantity } }`;
    const sharedPrefix = uniqueNamespace('quota-shared');
    const ownPrefix = uniqueNamespace('quota-own');
    shared.push(
      ...(await Promise.all([sharedPrefix, sharedPrefix].map((p) => startInstance('redis', p)))),
    );
    separate.push(
      ...(await Promise.all([ownPrefix, ownPrefix].map((p) => startInstance('memory', p)))),
    );
  }, 60_000);

  // A bucket of `burst` that refills at `perSecond` allows this many calls in `seconds`.
  const allowance = (seconds: number) => instanceLimit.burst + seconds * instanceLimit.perSecond;

  it('one instance at full demand keeps within the quota, and uses its allowance', async () => {
    await refill();
    const [answered] = await demand([shared[0] ?? ''], 3_000);
    const answers = await vendorAnswers();
    expect(Object.keys(answers)).toEqual(['200']);
    expect(answers['200']).toBeGreaterThanOrEqual(allowance(2.5));
    expect(answers['200']).toBeLessThanOrEqual(allowance(3.5));
    expect(answered).toBeGreaterThanOrEqual(answers['200'] ?? 0);
  });

  it('two instances sharing the bucket in Redis keep within it together: no 429 from the vendor, and no more calls than one instance alone', async () => {
    await refill();
    const answered = await demand(shared, 3_000);
    const answers = await vendorAnswers();
    expect(Object.keys(answers)).toEqual(['200']);
    expect(answers['200']).toBeGreaterThanOrEqual(allowance(2.5));
    expect(answers['200']).toBeLessThanOrEqual(allowance(3.5));
    // Both instances drew on it.
    expect(answered.every((count) => count > 0)).toBe(true);
  });

  it('control: two instances with a bucket each exceed the quota and get 429s', async () => {
    await refill();
    await demand(separate, 3_000);
    expect((await vendorAnswers())['429']).toBeGreaterThan(0);
  });
});
