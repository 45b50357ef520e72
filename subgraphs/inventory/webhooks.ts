import type { EntityChange } from '../kit/changeApplier.ts';
import type { EventTopic } from '../kit/eventBus.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import {
  type InventoryClient,
  type StockCount,
  toStockCount,
  type WireInventoryCount,
} from './client.ts';
import type { InventoryStores } from './loaders.ts';

/** Published on this subgraph's bus whenever a stock count changes. Payload: the inventory client's `StockCount`. */
export const stockChangedTopic = 'inventory.stock.changed' as EventTopic;

/**
 * Square's `inventory.count.updated` as changes to this subgraph: one per in-stock count in the
 * event (up to 100). Counts carry no version, so a count's `calculated_at` is its version, and
 * its quantity its content: a notice older than the count applied is ignored, and one at the
 * same millisecond with another quantity asks the vendor for the count as it is now
 * (changeApplier.ts). Other states (SOLD, WASTE, ...) are not in the graph and change nothing.
 */
export const inventoryWebhookEventTypes = ['inventory.count.updated'] as const;

/** A change to one count; the webhook and the reconciler both carry the whole count. */
export function stockChange(stores: StockSources, count: StockCount): EntityChange<StockCount> {
  const invalidate = () =>
    Promise.all([
      stores.stockByMenuItem.invalidate([count.menuItemId]),
      stores.stockByLocation.invalidate([count.locationId]),
    ]);
  return {
    entity: `stock:${count.menuItemId}:${count.locationId}`,
    version: Date.parse(count.calculatedAt),
    content: String(count.quantity),
    topic: stockChangedTopic,
    async resolve() {
      await invalidate();
      return stateOf(count);
    },
    async current() {
      await invalidate();
      const [now] = await stores.client.retrieveInStockCounts({
        menuItemIds: [count.menuItemId],
        locationIds: [count.locationId],
      });
      if (!now) throw new Error(`no in-stock count for ${count.menuItemId} at ${count.locationId}`);
      return stateOf(now);
    },
  };
}

/** What a stock change needs: the caches it invalidates, and the vendor for ties. */
export type StockSources = InventoryStores & { client: InventoryClient };

const stateOf = (count: StockCount) => ({
  version: Date.parse(count.calculatedAt),
  content: String(count.quantity),
  occurredAt: count.calculatedAt,
  payload: count,
});

export function inventoryWebhookChanges(stores: StockSources) {
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
