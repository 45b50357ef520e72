import { historyExpired } from '../../platform/errors.ts';
import { createPushIterator } from '../../platform/pushIterator.ts';

/**
 * Domain events between the parts of a subgraph: the webhook receiver and the reconciliation
 * poller publish, subscription resolvers listen. Two implementations behind one interface: in
 * process (the embedded default, below) and Redis Streams (several instances, redisEventBus.ts).
 *
 * Both keep a bounded history per topic and give every delivered event a `position` in it, a
 * Redis stream id (`<ms>-<seq>`, compared as two numbers). A subscriber that passes the last
 * position it saw gets the kept events after it before the live ones; when events after it may
 * have been dropped, the bus says `expired` and the subscriber must refetch.
 *
 * An event's id is derived from the entity and its version (`order:<id>:<version>`), so the same
 * change reaching us twice (a webhook and the poller, or a redelivery) has one id. Counts have
 * no version: a stock count's `calculatedAt` in ms stands in (`stock:<item>:<location>:<ms>`).
 * Publishers: the change applier (changeApplier.ts), fed by webhooks and reconciliation.
 */
export interface DomainEvent<P = unknown> {
  id: string;
  topic: EventTopic;
  /** When the vendor says the change happened (RFC 3339). */
  occurredAt: string;
  payload: P;
  /** Where the bus keeps the event (set on delivery); stable across instances on Redis. */
  position?: string;
  /** The trace of the change (W3C `traceparent`), when tracing is on. */
  traceparent?: string;
}

/**
 * A topic's name, `<subgraph>.<entity>.<change>`. The kit knows no topic: each subgraph
 * declares its own where it publishes, with the payload type (e.g. `orderChangedTopic` in
 * subgraphs/pos/webhooks.ts). Branded, so only a declared topic is accepted.
 */
export type EventTopic = string & { readonly __eventTopic: true };

export type EventHandler = (event: DomainEvent) => void;

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Calls `handler` for every later event on `topic`; returns the unsubscribe function. */
  subscribe(topic: EventTopic, handler: EventHandler): () => void;
  /**
   * The kept events of `topic` after `position`, oldest first; `expired` when some after it
   * are no longer kept (or the position is not one this bus gave out).
   */
  history(topic: EventTopic, after: string): Promise<DomainEvent[] | 'expired'>;
  /**
   * The position of the latest event on `topic` (before any: a position every later event
   * follows): where a subscription that starts now resumes, having seen nothing.
   */
  head(topic: EventTopic): Promise<string>;
  /**
   * The position of the last event published before `time` (epoch ms): where a subscriber
   * that started then resumes; `expired` when events after it may no longer be kept.
   */
  positionAt(topic: EventTopic, time: number): Promise<string | 'expired'>;
  /**
   * Resolves once an event published from now on reaches this bus's subscribers (Redis: its
   * reader holds a position in every stream). What to await instead of waiting a while.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Who listens to each topic: what both buses (in process and Redis) deliver to. */
export function createTopicHandlers(): Pick<EventBus, 'subscribe'> & {
  deliver(event: DomainEvent): void;
  clear(): void;
} {
  const byTopic = new Map<EventTopic, Set<EventHandler>>();
  return {
    subscribe(topic, handler) {
      const set = byTopic.get(topic) ?? new Set<EventHandler>();
      byTopic.set(topic, set);
      set.add(handler);
      return () => set.delete(handler);
    },
    deliver(event) {
      for (const handler of byTopic.get(event.topic) ?? []) handler(event);
    },
    clear: () => byTopic.clear(),
  };
}

/** Events kept per topic for resuming subscribers, unless configured (EVENT_HISTORY_LENGTH). */
export const defaultHistoryLength = 1000;

/** A position's two numbers, or undefined when it is not `<ms>-<seq>`. */
export function parsePosition(position: string): [number, number] | undefined {
  const match = /^(\d+)-(\d+)$/.exec(position);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Orders two positions the way the bus delivers them (negative: `a` came first). */
export function comparePositions(a: string, b: string): number {
  const [am = 0, as = 0] = parsePosition(a) ?? [];
  const [bm = 0, bs = 0] = parsePosition(b) ?? [];
  return am - bm || as - bs;
}

/**
 * In process: positions are `<bus start ms>-<n>`, n counting each topic's events, so a position
 * from an earlier process (another start time) is expired rather than misread.
 */
export function createInProcessEventBus(
  options: { historyLength?: number; now?: () => number } = {},
): EventBus {
  const historyLength = options.historyLength ?? defaultHistoryLength;
  const epoch = (options.now ?? Date.now)();
  const handlers = createTopicHandlers();
  const now = options.now ?? Date.now;
  type Log = { events: DomainEvent[]; times: number[]; published: number };
  const kept = new Map<EventTopic, Log>();
  const logOf = (topic: EventTopic): Log => {
    let log = kept.get(topic);
    if (!log) {
      log = { events: [], times: [], published: 0 };
      kept.set(topic, log);
    }
    return log;
  };
  return {
    async publish(event) {
      const log = logOf(event.topic);
      log.published += 1;
      const positioned = { ...event, position: `${epoch}-${log.published}` };
      log.events.push(positioned);
      log.times.push(now());
      if (log.events.length > historyLength) {
        log.events.shift();
        log.times.shift();
      }
      handlers.deliver(positioned);
    },
    head: async (topic) => `${epoch}-${logOf(topic).published}`,
    async positionAt(topic, time) {
      if (time < epoch) return 'expired';
      const log = logOf(topic);
      let index = log.times.length - 1;
      while (index >= 0 && (log.times[index] ?? 0) >= time) index -= 1;
      if (index >= 0) return log.events[index]?.position ?? 'expired';
      // Every kept event is at or after `time`: fine unless older ones were dropped.
      const dropped = log.published - log.events.length;
      return dropped === 0 ? `${epoch}-0` : 'expired';
    },
    subscribe: handlers.subscribe,
    ready: async () => {},
    async history(topic, after) {
      const parsed = parsePosition(after);
      if (!parsed || parsed[0] !== epoch) return 'expired';
      const seq = parsed[1];
      const log = logOf(topic);
      if (seq > log.published) return 'expired';
      const oldest = log.published - log.events.length + 1;
      if (seq + 1 < oldest) return 'expired';
      return log.events.slice(seq + 1 - oldest);
    },
    async close() {
      handlers.clear();
      kept.clear();
    },
  };
}

/**
 * Where a subscription resumes and what it last delivered: the subgraph server puts one in each
 * subscription's context (`after` from the subscribe message's `extensions.lastEventId`) and
 * reads the delivered event back into the result's extensions (`eventExtensions`).
 */
export interface EventCursor {
  after?: string | undefined;
  /** Without `after`: resume from the events published since this time (epoch ms). */
  since?: number | undefined;
  /** The last delivered event's position. */
  delivered?: string | undefined;
  /** The last delivered event's `occurredAt`. */
  deliveredOccurredAt?: string | undefined;
  /** The last delivered event's `traceparent`. */
  deliveredTraceparent?: string | undefined;
}

/**
 * What a subscription result says about its event: `eventId`, its position (a client resumes
 * after it), `occurredAt`, the vendor's change time (the gateway measures delivery lag from
 * it), and with tracing on `traceparent`, the change's trace (the gateway continues it). None
 * before an event was delivered.
 */
export function eventExtensions(
  cursor: EventCursor | undefined,
): { eventId: string; occurredAt?: string; traceparent?: string } | undefined {
  if (!cursor?.delivered) return undefined;
  const { delivered: eventId, deliveredOccurredAt: occurredAt, deliveredTraceparent } = cursor;
  return {
    eventId,
    ...(occurredAt === undefined ? {} : { occurredAt }),
    ...(deliveredTraceparent === undefined ? {} : { traceparent: deliveredTraceparent }),
  };
}

/**
 * The events of one topic that pass `filter`, as an async iterator for a subscription resolver:
 * with `cursor.after`, first the kept events after it (or a HISTORY_EXPIRED error), then live
 * ones, none twice. Events queue while the consumer is busy; returning the iterator (client
 * gone) unsubscribes.
 *
 * Every subscription has a resume point from its start: without `after`, the position at
 * `cursor.since`, else the topic's head now, becomes `cursor.after` (a subscriber killed before
 * its first event resumes there and misses nothing). A bus that cannot say (Redis away) leaves
 * a fresh subscription live only.
 */
export async function eventsOf<P>(
  bus: EventBus,
  topic: EventTopic,
  filter: (payload: P) => boolean,
  cursor: EventCursor = {},
): Promise<AsyncIterableIterator<DomainEvent<P>>> {
  if (cursor.after === undefined && cursor.since !== undefined) {
    const start = await bus.positionAt(topic, cursor.since);
    if (start === 'expired') throw historyExpired(new Date(cursor.since).toISOString());
    cursor.after = start;
  } else if (cursor.after === undefined) {
    cursor.after = await bus.head(topic).catch(() => undefined);
  }
  let last = cursor.after;
  let unsubscribe = () => {};
  const events = createPushIterator<DomainEvent<P>>({
    onDeliver: (event) => {
      cursor.delivered = event.position;
      cursor.deliveredOccurredAt = event.occurredAt;
      cursor.deliveredTraceparent = event.traceparent;
    },
    onClose: () => unsubscribe(),
  });
  const accept = (event: DomainEvent) => {
    if (events.ended || !filter(event.payload as P)) return;
    // Live events that the history already gave (or that precede the resume point) are skipped.
    if (last && event.position && comparePositions(event.position, last) <= 0) return;
    if (event.position) last = event.position;
    events.push(event as DomainEvent<P>);
  };
  let replaying = cursor.after !== undefined;
  const held: DomainEvent[] = [];
  unsubscribe = bus.subscribe(topic, (event) => {
    if (replaying) held.push(event);
    else accept(event);
  });
  if (cursor.after !== undefined) {
    const missed = await bus.history(topic, cursor.after).catch((error: unknown) => {
      unsubscribe();
      throw error;
    });
    if (missed === 'expired') {
      unsubscribe();
      throw historyExpired(cursor.after);
    }
    for (const event of missed) accept(event);
    replaying = false;
    for (const event of held.splice(0)) accept(event);
  }
  return events;
}
