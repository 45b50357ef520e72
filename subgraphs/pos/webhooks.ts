import DataLoader from 'dataloader';
import type { EntityChange } from '../kit/changeApplier.ts';
import type { EventTopic } from '../kit/eventBus.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import type { Order } from './client.ts';
import type { PosStores } from './loaders.ts';

/** Published on this subgraph's bus whenever an order changes. Payload: the POS client's `Order` (graph shape). */
export const orderChangedTopic = 'pos.order.changed' as EventTopic;

/**
 * Square's order webhooks, as changes to this subgraph. Both are thin: `order_created` /
 * `order_updated` name the order, its version, location and state, so the order is fetched
 * (through the batching store, its cached copy dropped first) before it is published. A change
 * to an order also changes its location's open orders.
 */
export const posWebhookEventTypes = ['order.created', 'order.updated'] as const;

interface OrderNotice {
  order_id?: unknown;
  version?: unknown;
  location_id?: unknown;
}

export interface OrderChanges {
  /** The change a webhook announces: the order is fetched when applied. */
  announced(id: string, version: number, locationId: string): EntityChange<Order>;
  /** The change the reconciler found, with the order as the search returned it. */
  found(order: Order): EntityChange<Order>;
}

export function createOrderChanges(stores: PosStores): OrderChanges {
  // Webhooks arriving together are hydrated in one batch-retrieve; no per-id memo, since each
  // hydration must see the vendor's latest.
  const orders = new DataLoader<string, Order>((ids) => stores.order.load(ids), { cache: false });

  const invalidate = (id: string, locationId: string) =>
    Promise.all([
      stores.order.invalidate([id]),
      stores.openOrdersByLocation.invalidate([locationId]),
    ]);

  async function fetchAtLeast(id: string, version: number): Promise<Order> {
    // A read already in flight when the change landed can answer with the older order: one
    // more read settles it; still older means the vendor is lagging, so fail and be retried.
    let order: Order | undefined;
    for (let read = 0; read < 2 && (order?.version ?? -1) < version; read++) {
      await stores.order.invalidate([id]);
      order = await orders.load(id);
    }
    if (!order || order.version < version) {
      throw new Error(`order ${id} is at version ${order?.version} on the vendor, not ${version}`);
    }
    return order;
  }

  const change = (
    order: { id: string; version: number; locationId: string },
    resolve: () => Promise<Order>,
  ): EntityChange<Order> => ({
    entity: `order:${order.id}`,
    version: order.version,
    topic: orderChangedTopic,
    async resolve() {
      await invalidate(order.id, order.locationId);
      const current = await resolve();
      return { version: current.version, occurredAt: current.updatedAt, payload: current };
    },
  });

  return {
    announced: (id, version, locationId) =>
      change({ id, version, locationId }, () => fetchAtLeast(id, version)),
    found: (order) =>
      change(order, async () => {
        await stores.order.prime(new Map([[order.id, order]]));
        return order;
      }),
  };
}

/** The changes one order webhook makes; other event types make none. */
export function posWebhookChanges(changes: OrderChanges) {
  return (event: SquareWebhookEvent): EntityChange[] => {
    if (event.type !== 'order.created' && event.type !== 'order.updated') return [];
    const object = event.data?.object;
    const notice = (
      event.type === 'order.created' ? object?.order_created : object?.order_updated
    ) as OrderNotice | undefined;
    const { order_id: id, version, location_id: locationId } = notice ?? {};
    if (typeof id !== 'string' || typeof version !== 'number' || typeof locationId !== 'string') {
      throw new Error(`${event.type} ${event.event_id} names no order_id, version and location_id`);
    }
    return [changes.announced(id, version, locationId)];
  };
}
