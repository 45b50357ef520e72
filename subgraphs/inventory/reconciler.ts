import type { ReconcileSource } from '../kit/reconcileLoop.ts';
import type { InventoryClient } from './client.ts';
import { type StockSources, stockChange } from './webhooks.ts';

/** In-stock counts changed since the checkpoint, from counts batch-retrieve's `updated_after`. */
export function stockReconcileSource(
  client: InventoryClient,
  stores: StockSources,
): ReconcileSource {
  return {
    name: 'stock',
    async newestChange() {
      return (await client.newestInStockCount())?.calculatedAt;
    },
    async changedSince(since) {
      // `updated_after` is exclusive; a millisecond earlier includes counts changed at `since`.
      const after = new Date(Date.parse(since) - 1).toISOString();
      const counts = await client.retrieveInStockCounts({ updatedAfter: after });
      return counts.map((count) => ({
        change: stockChange(stores, count),
        updatedAt: count.calculatedAt,
      }));
    },
  };
}
