import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import type { Order } from '../../subgraphs/pos/client.ts';
import { orderChangedTopic } from '../../subgraphs/pos/webhooks.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { headersFor } from '../graphqlClient.ts';
import {
  connect,
  subscribe,
  type TestSubscription,
  untilSubscribed,
} from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

const world = createWorld({ seed: 11, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const locationId = world.locations[0]?.id ?? '';
const orders = openOrdersNewestFirst(world, locationId);

const orderChanged = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) {
      id
      version
    }
  }
`;

/** Publishes the n-th open order of the location as a new version (versions only grow). */
let nextVersion = 1_000;
async function publishOrder(n: number): Promise<string> {
  const [order] = await system.pos.stores.order.load([orders[n]?.id ?? '']);
  if (!order || order instanceof Error) throw new Error(`no open order ${n}`);
  nextVersion += 1;
  const payload: Order = { ...order, version: nextVersion };
  await system.pos.bus.publish({
    id: `order:${order.id}:${nextVersion}`,
    topic: orderChangedTopic,
    occurredAt: '2026-11-26T12:00:00Z',
    payload,
  });
  return `${order.id}@${nextVersion}`;
}

const received = (results: ExecutionResult[]) =>
  results.map((result) => {
    const order = result.data?.orderChanged as { id: string; version: number } | undefined;
    return `${order?.id}@${order?.version}`;
  });
const eventIds = (subscription: TestSubscription, count: number) =>
  subscription.eventIds.slice(0, count) as string[];

describe('resumable subscriptions', () => {
  it('every result carries the event id; a client resuming after one gets what it missed, in order, then live events', async () => {
    const first = connect(system.gateway.url);
    const before = subscribe(first, orderChanged, { locationId });
    await untilSubscribed(system.gateway, 1);
    const sent = [await publishOrder(0), await publishOrder(1)];
    const seen = await before.waitFor(2);
    expect(received(seen)).toEqual(sent);
    const ids = eventIds(before, seen.length);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    before.dispose();
    await first.dispose();

    // Missed while disconnected:
    const missed = [await publishOrder(2), await publishOrder(3)];
    const second = connect(system.gateway.url);
    const resumed = subscribe(second, orderChanged, { locationId }, { lastEventId: ids[1] });
    await untilSubscribed(system.gateway, 1);
    const live = await publishOrder(0);
    const results = await resumed.waitFor(3);
    expect(received(results)).toEqual([...missed, live]);
    const resumedIds = eventIds(resumed, results.length);
    expect([...ids, ...resumedIds]).toEqual([...ids, ...resumedIds].sort(byPosition));
    expect(new Set([...ids, ...resumedIds]).size).toBe(5);
    // Nothing is delivered twice: the next live event is the very next result.
    const next = await publishOrder(4);
    expect(received(await resumed.waitFor(4))).toEqual([...missed, live, next]);
    resumed.dispose();
    await second.dispose();
  });

  it('a resume point in connectionParams works like one in the subscribe message', async () => {
    const first = connect(system.gateway.url);
    const before = subscribe(first, orderChanged, { locationId });
    await untilSubscribed(system.gateway, 1);
    await publishOrder(1);
    await before.waitFor(1);
    const [last] = eventIds(before, 1);
    before.dispose();
    await first.dispose();
    const missed = await publishOrder(2);
    const second = connect(system.gateway.url, {
      ...headersFor(system.gateway.url),
      lastEventId: last,
    });
    const resumed = subscribe(second, orderChanged, { locationId });
    expect(received(await resumed.waitFor(1))).toEqual([missed]);
    resumed.dispose();
    await second.dispose();
  });

  it('resuming subscribers get their own upstream; identical fresh ones still share one', async () => {
    // The earlier tests' clients are gone once the gateway has closed their upstreams.
    const { subscriptions } = system.gateway.subscriptions;
    for (let i = 0; i < 200 && subscriptions.openUpstreams() > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const client = connect(system.gateway.url);
    const upstreamsBefore = subscriptions.openUpstreams();
    expect(upstreamsBefore).toBe(0);
    const fresh = [1, 2].map(() => subscribe(client, orderChanged, { locationId }));
    await untilSubscribed(system.gateway, upstreamsBefore + 1, 2);
    expect(subscriptions.openUpstreams()).toBe(upstreamsBefore + 1);
    await publishOrder(0);
    const [leader] = fresh as [TestSubscription, TestSubscription];
    await leader.waitFor(1);
    const [last] = eventIds(leader, 1);
    const resuming = subscribe(client, orderChanged, { locationId }, { lastEventId: last });
    await untilSubscribed(system.gateway, upstreamsBefore + 2, 3);
    expect(subscriptions.openUpstreams()).toBe(upstreamsBefore + 2);
    for (const subscription of [...fresh, resuming]) subscription.dispose();
    await client.dispose();
  });

  it('a resume point beyond the kept history gets one HISTORY_EXPIRED error and the subscription completes', async () => {
    const client = connect(system.gateway.url);
    const stale = subscribe(client, orderChanged, { locationId }, { lastEventId: '1-1' });
    const [result] = await stale.waitFor(1);
    expect(result?.errors?.map((error) => error.extensions?.code)).toEqual(['HISTORY_EXPIRED']);
    await stale.completed;
    expect(stale.results).toHaveLength(1);
    await client.dispose();
  });
});

function byPosition(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
