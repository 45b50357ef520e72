import { afterAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../platform/counters.ts';
import { createChangeApplier } from '../../subgraphs/kit/changeApplier.ts';
import {
  createInProcessEventBus,
  type DomainEvent,
  type EventBus,
  type EventTopic,
  eventsOf,
} from '../../subgraphs/kit/eventBus.ts';
import { createRedisEventBus } from '../../subgraphs/kit/redisEventBus.ts';
import { createSyncStore, type SyncStore } from '../../subgraphs/kit/syncStore.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';

/** The kit knows no topics: each subgraph declares its own, as this test does. */
const TestTopics = { orderChanged: 'pos.order.changed' as EventTopic };

const order = (n: number, locationId = 'L1'): DomainEvent => ({
  id: `order:o${n}:1`,
  topic: TestTopics.orderChanged,
  occurredAt: '2026-01-01T00:00:00Z',
  payload: { id: `o${n}`, locationId },
});

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}

/** Waits until `check` holds (events cross Redis asynchronously). */
async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('in-process event bus', () => {
  it('resumes a subscriber after its last position: missed events in order, then live ones', async () => {
    const bus = createInProcessEventBus();
    const live = await eventsOf(bus, TestTopics.orderChanged, () => true);
    await bus.publish(order(1));
    const [first] = await take(live, 1);
    await bus.publish(order(2));
    await bus.publish(order(3, 'L2'));
    await bus.publish(order(4));
    const resumed = await eventsOf<{ locationId: string }>(
      bus,
      TestTopics.orderChanged,
      (o) => o.locationId === 'L1',
      { after: first?.position },
    );
    await bus.publish(order(5));
    expect((await take(resumed, 3)).map((e) => e.id)).toEqual([
      'order:o2:1',
      'order:o4:1',
      'order:o5:1',
    ]);
    await live.return?.();
    await resumed.return?.();
    await bus.close();
  });

  it('says HISTORY_EXPIRED for a position older than the kept history, or from another bus', async () => {
    const bus = createInProcessEventBus({ historyLength: 2 });
    const live = await eventsOf(bus, TestTopics.orderChanged, () => true);
    for (const n of [1, 2, 3, 4]) await bus.publish(order(n));
    const positions = (await take(live, 4)).map((e) => e.position as string);
    await expect(
      eventsOf(bus, TestTopics.orderChanged, () => true, { after: positions[0] }),
    ).rejects.toMatchObject({ extensions: { code: 'HISTORY_EXPIRED' } });
    // The oldest kept is the third: resuming after the second misses nothing.
    const resumed = await eventsOf(bus, TestTopics.orderChanged, () => true, {
      after: positions[1],
    });
    expect((await take(resumed, 2)).map((e) => e.id)).toEqual(['order:o3:1', 'order:o4:1']);
    await expect(
      eventsOf(bus, TestTopics.orderChanged, () => true, { after: '1-1' }),
    ).rejects.toMatchObject({ extensions: { code: 'HISTORY_EXPIRED' } });
    await live.return?.();
    await resumed.return?.();
    await bus.close();
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('event bus on Redis Streams, two instances', () => {
  const opened: { close(): Promise<void> }[] = [];
  const open = <T extends { close(): Promise<void> }>(thing: T): T => {
    opened.push(thing);
    return thing;
  };
  afterAll(async () => {
    for (const thing of opened) await thing.close();
  });
  const topics = [TestTopics.orderChanged];
  const busPair = (prefix: string, historyLength?: number): [EventBus, EventBus] => [
    open(
      createRedisEventBus({ url: testRedisUrl, namespace: 'pos', topics, prefix, historyLength }),
    ),
    open(
      createRedisEventBus({ url: testRedisUrl, namespace: 'pos', topics, prefix, historyLength }),
    ),
  ];

  it('an event published by either instance reaches the subscribers of both, once, with one position', async () => {
    const [a, b] = busPair(uniqueNamespace('bus'));
    const seenA: DomainEvent[] = [];
    const seenB: DomainEvent[] = [];
    a.subscribe(TestTopics.orderChanged, (event) => seenA.push(event));
    b.subscribe(TestTopics.orderChanged, (event) => seenB.push(event));
    await Promise.all([a.ready(), b.ready()]);
    await a.publish(order(1));
    await b.publish(order(2));
    // Each instance reads the stream in order: once the last one published is seen, a second
    // copy of an earlier one would have been seen before it.
    await a.publish(order(3));
    await eventually(() => seenA.length >= 3 && seenB.length >= 3);
    expect(seenA.map((e) => e.id)).toEqual(['order:o1:1', 'order:o2:1', 'order:o3:1']);
    expect(seenB).toEqual(seenA);
    expect(seenA[0]?.position).toMatch(/^\d+-\d+$/);
  });

  it('a subscriber resumes on the other instance from its last position, then gets live events', async () => {
    const [a, b] = busPair(uniqueNamespace('bus'));
    await Promise.all([a.ready(), b.ready()]);
    const onA = await eventsOf(a, TestTopics.orderChanged, () => true);
    await a.publish(order(1));
    const [first] = await take(onA, 1);
    await onA.return?.();
    await a.publish(order(2));
    await a.publish(order(3));
    const onB = await eventsOf(b, TestTopics.orderChanged, () => true, {
      after: first?.position,
    });
    await a.publish(order(4));
    expect((await take(onB, 3)).map((e) => e.id)).toEqual([
      'order:o2:1',
      'order:o3:1',
      'order:o4:1',
    ]);
    await onB.return?.();
  });

  it('says HISTORY_EXPIRED once the stream was trimmed past the position', async () => {
    const [a, b] = busPair(uniqueNamespace('bus'), 1);
    await Promise.all([a.ready(), b.ready()]);
    const onA = await eventsOf(a, TestTopics.orderChanged, () => true);
    await a.publish(order(1));
    const [first] = await take(onA, 1);
    // MAXLEN ~ trims whole stream nodes (100 entries each by default): publish past one.
    for (let n = 2; n <= 250; n += 1) await a.publish(order(n));
    await expect(
      eventsOf(b, TestTopics.orderChanged, () => true, { after: first?.position }),
    ).rejects.toMatchObject({ extensions: { code: 'HISTORY_EXPIRED' } });
    await onA.return?.();
  });

  it('one vendor change applied by two instances at once is published once', async () => {
    const prefix = uniqueNamespace('applier');
    const [a, b] = busPair(prefix);
    const stores: SyncStore[] = [0, 1].map(() =>
      open(createSyncStore({ namespace: 'pos', prefix, redisUrl: testRedisUrl })),
    );
    const seen: DomainEvent[] = [];
    a.subscribe(TestTopics.orderChanged, (event) => seen.push(event));
    await Promise.all([a.ready(), b.ready()]);
    const appliers = [a, b].map((bus, i) =>
      createChangeApplier({ store: stores[i] as SyncStore, bus, counters: createCounters() }),
    );
    const change = {
      entity: 'order:o1',
      version: 3,
      topic: TestTopics.orderChanged,
      resolve: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { version: 3, occurredAt: '2026-01-01T00:00:00Z', payload: { id: 'o1' } };
      },
    };
    const results = await Promise.all(appliers.map((applier) => applier.apply(change, 'webhook')));
    expect(results.sort()).toEqual(['published', 'stale']);
    // A later change closes the window in which a second copy of the first could arrive.
    await appliers[0]?.apply(
      {
        ...change,
        entity: 'order:o2',
        resolve: async () => ({
          version: 3,
          occurredAt: '2026-01-01T00:00:00Z',
          payload: { id: 'o2' },
        }),
      },
      'webhook',
    );
    await eventually(() => seen.length >= 2);
    expect(seen.map((e) => e.id)).toEqual(['order:o1:3', 'order:o2:3']);
  });
});
