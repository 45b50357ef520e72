import { WHOLE_LIST } from '../kit/entityStore.ts';
import type { PolledChange, ReconcileSource } from '../kit/reconcileLoop.ts';
import { type Order, type PosClient, posLimits } from './client.ts';
import type { PosStores } from './loaders.ts';
import type { OrderChanges } from './webhooks.ts';

/**
 * Orders changed since the checkpoint, from Square's orders search filtered and sorted on
 * `updated_at`, 10 locations a call, every location of the merchant.
 */
export function orderReconcileSource(
  client: PosClient,
  stores: PosStores,
  changes: OrderChanges,
): ReconcileSource {
  async function locationChunks(): Promise<string[][]> {
    const [locations] = await stores.locations.load([WHOLE_LIST]);
    if (locations instanceof Error) throw locations;
    const ids = (locations ?? []).map((location) => location.id);
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += posLimits.locationIdsPerSearch) {
      chunks.push(ids.slice(start, start + posLimits.locationIdsPerSearch));
    }
    return chunks;
  }

  return {
    name: 'orders',
    async newestChange() {
      const newest = await Promise.all(
        (await locationChunks()).map(async (locationIds) => {
          const { orders } = await client.searchOrdersByUpdate({ locationIds, limit: 1 });
          return orders[0]?.updatedAt;
        }),
      );
      return newest.filter((at) => at !== undefined).sort((a, b) => latest(a, b))[0];
    },
    async changedSince(since) {
      const found: Order[] = [];
      for (const locationIds of await locationChunks()) {
        let cursor: string | undefined;
        do {
          const page = await client.searchOrdersByUpdate({
            locationIds,
            since,
            limit: posLimits.ordersPerSearchPage,
            cursor,
          });
          found.push(...page.orders);
          cursor = page.cursor ?? undefined;
        } while (cursor);
      }
      return found.map(
        (order): PolledChange => ({
          change: changes.found(order),
          updatedAt: order.updatedAt,
        }),
      );
    },
  };
}

/** Sorts RFC 3339 times newest first. */
function latest(a: string, b: string): number {
  return Date.parse(b) - Date.parse(a);
}
