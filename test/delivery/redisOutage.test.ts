import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { DEFAULT_TOKEN } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { freePort } from '../deployment.ts';
import { squareClient } from '../emulators/square-client.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { ownRedis, redisAvailable } from '../redis.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

/**
 * Redis (shared cache, dedupe store, rate limits, event bus) stopped under a running system:
 * queries still answer at once (L1 cache and the vendor), the gateway says it is not ready,
 * webhooks are refused so the vendor retries, and once Redis is back the change that came
 * meanwhile reaches the subscriber. A Redis of its own, on a port of its own, for this file.
 */
const withRedis = await redisAvailable();
const world = createWorld({ seed: 34, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let redis: ReturnType<typeof ownRedis>;
let system: LocalSystem;

describe.skipIf(!withRedis)('Redis stopped and restarted under a running system', () => {
  beforeAll(async () => {
    const port = await freePort();
    redis = ownRedis(port);
    await redis.start();
    system = await startTestSystem({
      world,
      subgraphs: { redisUrl: `redis://127.0.0.1:${port}` },
      // Square's retry schedule (1, 2, 4 ... minutes) in seconds.
      webhooks: { timeScale: 60, answerTimeoutMs: 3_000 },
    });
  }, 30_000);
  afterAll(async () => {
    await system?.close();
    await redis?.kill();
  });

  const readiness = async () => {
    const response = await fetch(new URL('/readyz', system.gateway.url));
    return { status: response.status, body: await response.json() };
  };

  it('queries answer at once, the gateway is not ready, and a change made meanwhile arrives once Redis is back', async () => {
    const warm = await postGraphQL(system.gateway.url, locationOverviewQuery, { locationId });
    expect(warm.body.errors).toBeUndefined();
    expect((await readiness()).status).toBe(200);
    const client = connect(system.gateway.url);
    const subscription = subscribe(
      client,
      'subscription Changes($locationId: ID!) { orderChanged(locationId: $locationId) { id version } }',
      { locationId },
    );
    await untilSubscribed(system.gateway, 1);

    await redis.kill();
    const started = performance.now();
    const during = await postGraphQL(system.gateway.url, locationOverviewQuery, {
      locationId: world.locations[1]?.id,
    });
    const took = performance.now() - started;
    expect(during.body.errors).toBeUndefined();
    expect(took).toBeLessThan(1_000);
    const notReady = await readiness();
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(notReady.body)).toContain('redis');

    // A change at the vendor now: its webhook cannot be deduplicated, so it is refused.
    const order = openOrdersNewestFirst(world, locationId)[0];
    const pos = squareClient(system.emulators.pos.url, DEFAULT_TOKEN);
    const { status, body } = await pos.put(`/v2/orders/${order?.id}`, {
      idempotency_key: crypto.randomUUID(),
      order: { version: order?.version, ticket_name: 'during the outage' },
    });
    expect(status).toBe(200);
    const changed = (body as { order: { version: number } }).order.version;
    await expect
      .poll(
        () =>
          system.emulators.pos.webhooks
            .deliveries()
            .some((d) => d.attempts.some((a) => a.status >= 500 || a.status === 0)),
        {
          timeout: 5_000,
        },
      )
      .toBe(true);

    await redis.start();
    await expect.poll(async () => (await readiness()).status, { timeout: 10_000 }).toBe(200);
    const [event] = await subscription.waitFor(1, 20_000);
    expect(event?.data?.orderChanged).toEqual({ id: order?.id, version: changed });
    subscription.dispose();
    await client.dispose();
  }, 60_000);
});
