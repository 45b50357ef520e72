import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { devJwtSecret, mintDevToken } from '../../gateway/auth/tokens.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

const world = createWorld({ seed: 19, now: new Date('2026-11-26T12:00:00Z') });
const idA = world.locations[0]?.id ?? '';
const idB = world.locations[1]?.id ?? '';
let system: LocalSystem;
let tokenA: string;

beforeAll(async () => {
  system = await startTestSystem({ world });
  tokenA = await mintDevToken(devJwtSecret, { subject: 'a', role: 'manager', locations: [idA] });
});
afterAll(async () => {
  await system?.close();
});

async function publishOpenOrder(locationId: string, index = 0): Promise<string> {
  const id = openOrdersNewestFirst(world, locationId)[index]?.id ?? '';
  return (await publishOrderEvent(system, id)).id;
}

describe('subscriptions are scoped like queries', () => {
  it('a subscription without a token is refused at connection, not left hanging', async () => {
    const client = connect(system.gateway.url, {});
    const subscription = subscribe(client, orderChangedSubscription, { locationId: idA });
    const failure = (await subscription.failure) as { code?: number; reason?: string };
    expect(failure.code).toBe(4403);
    await client.dispose();
  });

  it("a client of location A asking for B's orders gets NOT_FOUND, as if B did not exist", async () => {
    const client = connect(system.gateway.url, { authorization: `Bearer ${tokenA}` });
    const subscription = subscribe(client, orderChangedSubscription, { locationId: idB });
    const result = await subscription.waitFor(1);
    expect(result[0]?.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    await client.dispose();
  });

  it("a client of location A receives A's events and never B's", async () => {
    const client = connect(system.gateway.url, { authorization: `Bearer ${tokenA}` });
    const subscription = subscribe(client, orderChangedSubscription, { locationId: idA });
    await untilSubscribed(system.gateway, 1);
    await publishOpenOrder(idB);
    const mine = await publishOpenOrder(idA);
    await publishOpenOrder(idB, 1);
    const [first] = await subscription.waitFor(1);
    expect(rootField<{ id: string; location: { name: string } }>(first, 'orderChanged').id).toBe(
      mine,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(subscription.results).toHaveLength(1);
    await client.dispose();
  });

  it('a socket whose token expires is closed then with 4403 "token expired", and its subscription ends', async () => {
    const shortLived = await mintDevToken(
      devJwtSecret,
      { subject: 'brief', role: 'manager', locations: [idA] },
      '2s',
    );
    const connectedAt = Date.now();
    const client = connect(system.gateway.url, { authorization: `Bearer ${shortLived}` });
    const subscription = subscribe(client, orderChangedSubscription, { locationId: idA });
    const { subscriptions } = system.gateway.subscriptions;
    await expect.poll(() => subscriptions.subscribers()).toBe(1);
    const failure = (await subscription.failure) as { code?: number; reason?: string };
    expect([failure.code, failure.reason]).toEqual([4403, 'token expired']);
    // JWT expiry is in whole seconds: between 1 and 2 s from now, plus a timer's slack.
    expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(900);
    expect(Date.now() - connectedAt).toBeLessThan(3_000);
    await expect.poll(() => subscriptions.subscribers()).toBe(0);
    await client.dispose();
  });
});
