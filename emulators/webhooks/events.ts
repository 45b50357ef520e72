/**
 * Webhook events as Square sends them, built from the world's changes. Order events are thin
 * (`order_created` / `order_updated` hold ids, version and state only, as in Square's
 * OpenAPI description); timecard events carry the whole timecard; a count change carries the
 * counts it moved, at most 100 to an event.
 */
import type { Order } from '../square-types.ts';
import type { WorldChange } from '../world.ts';

/** The event types each emulator owns and delivers. */
export const webhookEventTypes = {
  pos: ['order.created', 'order.updated'],
  inventory: ['inventory.count.updated'],
  scheduling: ['labor.timecard.created', 'labor.timecard.updated'],
} as const satisfies Record<string, readonly WorldChange['kind'][]>;

export type WebhookEventType = WorldChange['kind'];

/** The envelope: `{merchant_id, location_id?, type, event_id, created_at, data}`. */
export interface WebhookEvent {
  merchant_id: string;
  location_id?: string;
  type: WebhookEventType;
  event_id: string;
  created_at: string;
  data: { type: string; id: string; object: Record<string, unknown> };
}

export interface EventContext {
  merchantId: string;
  /** The world's time of the change (RFC 3339, UTC). */
  createdAt: string;
  /** A fresh event id (a UUID, as Square's). */
  newId(): string;
}

const COUNTS_PER_EVENT = 100;

export function webhookEventsFor(change: WorldChange, context: EventContext): WebhookEvent[] {
  const envelope = (locationId: string | undefined, data: WebhookEvent['data']): WebhookEvent => ({
    merchant_id: context.merchantId,
    ...(locationId === undefined ? {} : { location_id: locationId }),
    type: change.kind,
    event_id: context.newId(),
    created_at: context.createdAt,
    data,
  });
  switch (change.kind) {
    case 'order.created':
      return [
        envelope(change.object.location_id, {
          type: 'order_created',
          id: change.object.id,
          object: { order_created: orderNotice(change.object, false) },
        }),
      ];
    case 'order.updated':
      return [
        envelope(change.object.location_id, {
          type: 'order_updated',
          id: change.object.id,
          object: { order_updated: orderNotice(change.object, true) },
        }),
      ];
    case 'labor.timecard.created':
    case 'labor.timecard.updated':
      return [
        envelope(change.object.location_id, {
          type: 'timecard',
          id: change.object.id,
          object: { timecard: change.object },
        }),
      ];
    case 'inventory.count.updated': {
      const events: WebhookEvent[] = [];
      for (let start = 0; start < change.object.length; start += COUNTS_PER_EVENT) {
        const counts = change.object.slice(start, start + COUNTS_PER_EVENT);
        const locations = new Set(counts.map((count) => count.location_id));
        const [onlyLocation] = locations.size === 1 ? [...locations] : [];
        events.push(
          envelope(onlyLocation, {
            type: 'inventory_counts',
            id: context.newId(),
            object: { inventory_counts: counts },
          }),
        );
      }
      return events;
    }
  }
}

/** What a thin order event holds; Square's `order_created` has no `updated_at`. */
function orderNotice(order: Order, withUpdatedAt: boolean): Record<string, unknown> {
  return {
    order_id: order.id,
    version: order.version,
    location_id: order.location_id,
    state: order.state,
    created_at: order.created_at,
    ...(withUpdatedAt ? { updated_at: order.updated_at } : {}),
  };
}
