import { afterAll, describe, expect, it } from 'vitest';
import {
  createInProcessEventBus,
  type DomainEvent,
  type EventBus,
  type EventCursor,
  type EventTopic,
  eventsOf,
} from '../../subgraphs/kit/eventBus.ts';
import { createRedisEventBus } from '../../subgraphs/kit/redisEventBus.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';

/**
 * Every subscription has a resume point from its start (eventsOf puts the topic's head, or the
 * position at `since`, in its cursor), on both buses: a subscriber cut before its first event
 * resumes there and misses nothing.
 */
const topic = 'pos.order.changed' as EventTopic;
const withRedis = await redisAvailable();
const event = (n: number): DomainEvent => ({
  id: `order:o${n}:1`,
  topic,
  occurredAt: '2026-01-01T00:00:00Z',
  payload: { n },
});

async function take(iterator: AsyncIterator<DomainEvent>, count: number): Promise<number[]> {
  const taken: number[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    taken.push((next.value.payload as { n: number }).n);
  }
  return taken;
}

const opened: EventBus[] = [];
afterAll(async () => {
  for (const bus of opened) await bus.close();
});

const buses: [string, () => EventBus][] = [
  ['in process', () => createInProcessEventBus()],
  ...(withRedis
    ? ([
        [
          'Redis Streams',
          () =>
            createRedisEventBus({
              url: testRedisUrl,
              namespace: 'pos',
              topics: [topic],
              prefix: uniqueNamespace('resume'),
            }),
        ],
      ] as [string, () => EventBus][])
    : []),
];

describe.each(buses)('resume points on the %s bus', (_name, makeBus) => {
  it('a fresh subscription starts at the head; resumed from there after being cut, it gets all that came since', async () => {
    const bus = makeBus();
    opened.push(bus);
    await bus.ready();
    await bus.publish(event(1));
    const cursor: EventCursor = {};
    const first = await eventsOf(bus, topic, () => true, cursor);
    expect(cursor.after).toMatch(/^\d+-\d+$/);
    const start = cursor.after;
    // Cut before its first event; meanwhile three are published.
    await first.return?.();
    for (const n of [2, 3, 4]) await bus.publish(event(n));
    const resumed = await eventsOf(bus, topic, () => true, { after: start });
    expect(await take(resumed, 3)).toEqual([2, 3, 4]);
    await resumed.return?.();
  });

  it('a stream with no event yet has a head too, and resuming from it gets the first events', async () => {
    const bus = makeBus();
    opened.push(bus);
    await bus.ready();
    const cursor: EventCursor = {};
    await (await eventsOf(bus, topic, () => true, cursor)).return?.();
    await bus.publish(event(1));
    const resumed = await eventsOf(bus, topic, () => true, { after: cursor.after });
    expect(await take(resumed, 1)).toEqual([1]);
    await resumed.return?.();
  });

  it('resume by time: the events published since then, then live ones', async () => {
    const bus = makeBus();
    opened.push(bus);
    await bus.ready();
    await bus.publish(event(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await bus.publish(event(2));
    await bus.publish(event(3));
    const resumed = await eventsOf(bus, topic, () => true, { since });
    await bus.publish(event(4));
    expect(await take(resumed, 3)).toEqual([2, 3, 4]);
    await resumed.return?.();
  });
});

describe('resume by time on the in-process bus', () => {
  it('is HISTORY_EXPIRED for a time before this bus started (its events are gone)', async () => {
    const bus = createInProcessEventBus();
    await expect(eventsOf(bus, topic, () => true, { since: Date.now() - 60_000 })).rejects.toThrow(
      /no longer kept/,
    );
  });
});
