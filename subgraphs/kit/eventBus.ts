/**
 * Domain events between the parts of a subgraph: the webhook receiver and the reconciliation
 * poller publish, subscription resolvers listen. Two implementations behind one interface: in
 * process (the embedded default) and Redis (several instances; another issue adds it).
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
}

/** Every topic, with the payload type documented where it is published. */
export const EventTopic = {
  /** Payload: the POS client's `Order` (graph shape). */
  orderChanged: 'pos.order.changed',
  /** Payload: the inventory client's `StockCount`. */
  stockChanged: 'inventory.stock.changed',
  /** Payload: the scheduling client's `Timecard`. */
  timecardChanged: 'scheduling.timecard.changed',
} as const;
export type EventTopic = (typeof EventTopic)[keyof typeof EventTopic];

export type EventHandler = (event: DomainEvent) => void;

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Calls `handler` for every later event on `topic`; returns the unsubscribe function. */
  subscribe(topic: EventTopic, handler: EventHandler): () => void;
  close(): Promise<void>;
}

export function createInProcessEventBus(): EventBus {
  const handlers = new Map<EventTopic, Set<EventHandler>>();
  return {
    async publish(event) {
      for (const handler of handlers.get(event.topic) ?? []) handler(event);
    },
    subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set<EventHandler>();
      handlers.set(topic, set);
      set.add(handler);
      return () => set.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}

/**
 * The events of one topic that pass `filter`, as an async iterator for a subscription resolver.
 * Events queue while the consumer is busy; returning the iterator (client gone) unsubscribes.
 */
export function eventsOf<P>(
  bus: EventBus,
  topic: EventTopic,
  filter: (payload: P) => boolean,
): AsyncIterableIterator<DomainEvent<P>> {
  const queue: DomainEvent<P>[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const unsubscribe = bus.subscribe(topic, (event) => {
    if (done || !filter(event.payload as P)) return;
    queue.push(event as DomainEvent<P>);
    wake?.();
  });
  const finish = async (): Promise<IteratorResult<DomainEvent<P>>> => {
    done = true;
    unsubscribe();
    wake?.();
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (!done) {
        const event = queue.shift();
        if (event) return { done: false, value: event };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      return { done: true, value: undefined };
    },
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
  };
}
