import { type ExecutionResult, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

/**
 * A subscriber that stops reading may have at most `maxBacklog` events waiting (here 3); past
 * that it gets one SLOW_SUBSCRIBER error naming the last event it was handed, and is let go,
 * while a subscriber that keeps reading gets every event.
 */
const world = createWorld({ seed: 47, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world, websocket: { maxBacklog: 3 } });
});
afterAll(async () => {
  await system?.close();
});

const orderChanged = 'subscription ($l: ID!) { orderChanged(locationId: $l) { id version } }';

describe('a subscriber that falls behind', () => {
  it('is ended with SLOW_SUBSCRIBER and where to resume, its upstream closed; others get every event', async () => {
    const { subscriptions } = system.gateway.subscriptions;
    // The slow one is the gateway's own iterator, read only when the test says so (a socket
    // would hide the backlog behind the kernel's buffers).
    const slow = subscriptions.subscribe({
      document: parse(orderChanged),
      operationName: undefined,
      variables: { l: locationId },
      context: {
        identity: { subject: 'slow', roles: ['manager'], locationIds: ['*'], scopes: [] },
      },
      scope: 'slow',
    });
    const fast = subscribe(connect(system.gateway.url), orderChanged, { l: locationId });
    await untilSubscribed(system.gateway, 2, 2);

    const orders = openOrdersNewestFirst(world, locationId).slice(0, 5);
    const published = [await publishOrderEvent(system, orders[0]?.id ?? '')];
    const first = await slow.next();
    const firstEventId = first.value?.extensions?.eventId;
    expect(rootField<{ id: string }>(first.value, 'orderChanged').id).toBe(published[0]?.id);
    expect(firstEventId).toMatch(/^\d+-\d+$/);

    // Four more while the slow one reads nothing: the fourth is one past its backlog of 3.
    for (const order of orders.slice(1)) published.push(await publishOrderEvent(system, order.id));
    await fast.waitFor(5);
    expect(fast.results.map((r) => rootField<{ id: string }>(r, 'orderChanged').id)).toEqual(
      published.map((order) => order.id),
    );
    await expect.poll(() => system.gateway.counters.get('slow_subscribers_dropped')).toBe(1);

    const ended = (await slow.next()).value as ExecutionResult | undefined;
    expect(ended?.errors?.map((e) => [e.extensions?.code, e.extensions?.lastEventId])).toEqual([
      ['SLOW_SUBSCRIBER', firstEventId],
    ]);
    expect(ended?.data).toBeUndefined();
    expect((await slow.next()).done).toBe(true);
    // It shared its upstream with no one, so that subscription is closed at the subgraph.
    expect(subscriptions.openUpstreams()).toBe(1);
    expect(subscriptions.subscribers()).toBe(1);
    fast.dispose();
  });
});
