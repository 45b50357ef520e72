import type { EntityChange } from '../kit/changeApplier.ts';
import type { EventTopic } from '../kit/eventBus.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import { type StockCount, toStockCount, type WireInventoryCount } from './client.ts';
import type { InventoryStores } from './loaders.ts';

/** Published on this subgraph's bus whenever a stock count changes. Payload: the inventory client's `StockCount`. */
export const stockChangedTopic = 'inventory.stock.changed' as EventTopic;

/**
 * Square's `inventory.count.updated` as changes to this subgraph: one per in-stock count in the
 * event (up to 100). Counts carry no version, so a count's `calculated_at` is its version: a
 * notice with an older or equal time than the count already applied is ignored. Other states
 * (SOLD, WASTE, ...) are not in the graph and change nothing here.
 */
export const inventoryWebhookEventTypes = ['inventory.count.updated'] as const;

/** A change to one count; the webhook and the reconciler both carry the whole count. */
export function stockChange(stores: InventoryStores, count: StockCount): EntityChange<StockCount> {
  return {
    entity: `stock:${count.menuItemId}:${count.locationId}`,
    version: Date.parse(count.calculatedAt),
    topic: stockChangedTopic,
    async resolve() {
      await Promise.all([
        stores.stockByMenuItem.invalidate([count.menuItemId]),
        stores.stockByLocation.invalidate([count.locationId]),
      ]);
      return {
        version: Date.parse(count.calculatedAt),
        occurredAt: count.calculatedAt,
        payload: count,
      };
    },
  };
}

export function inventoryWebhookChanges(stores: InventoryStores) {
  return (event: SquareWebhookEvent): EntityChange[] => {
    if (event.type !== 'inventory.count.updated') return [];
    const counts = event.data?.object?.inventory_counts;
    if (!Array.isArray(counts)) {
      throw new Error(`${event.type} ${event.event_id} has no inventory_counts`);
    }
    return (counts as WireInventoryCount[]).flatMap((wire) => {
      if (wire.state !== 'IN_STOCK') return [];
      if (!wire.catalog_object_id || !wire.location_id || !wire.calculated_at) {
        throw new Error(`${event.type} ${event.event_id} has a count without id, place or time`);
      }
      return [stockChange(stores, toStockCount(wire))];
    });
  };
}
