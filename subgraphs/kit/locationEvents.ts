import {
  type DomainEvent,
  type EventBus,
  type EventCursor,
  type EventTopic,
  eventsOf,
} from './eventBus.ts';
import { requireVisible, type ScopedContext } from './locationScope.ts';

/** What a subscription resolver needs from a subgraph's context. */
export interface EventContext extends ScopedContext {
  bus: EventBus;
  /** Set by the subscription server: where to resume, and the last event delivered. */
  eventCursor?: EventCursor;
}

/**
 * A `Subscription` field over one topic's domain events at a location the caller may see
 * (another location is refused as unknown), optionally narrowed further by the field's
 * arguments; each event resolves to its payload, and the subscription server adds the event's
 * position and vendor change time to the result's extensions (`eventExtensions`, eventBus.ts).
 */
export function locationEvents<P extends { locationId: string }, A extends { locationId: string }>(
  topic: EventTopic,
  accept: (payload: P, args: A) => boolean = () => true,
) {
  return {
    subscribe: (_root: unknown, args: A, context: EventContext) => {
      requireVisible(context, args.locationId);
      return eventsOf<P>(
        context.bus,
        topic,
        (payload) => payload.locationId === args.locationId && accept(payload, args),
        context.eventCursor,
      );
    },
    resolve: (event: DomainEvent<P>) => event.payload,
  };
}
