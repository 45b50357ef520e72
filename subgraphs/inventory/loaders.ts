import type DataLoader from 'dataloader';
import type { EntityCache } from '../kit/entityCache.ts';
import { createEntityStore, type EntityStore } from '../kit/entityStore.ts';
import { type InventoryClient, inventoryLimits, type StockCount } from './client.ts';

/**
 * Stock by menu item (its count at every location) and by location (every count there).
 * Both batch their keys into one counts batch-retrieve, split at the vendor's limits.
 */
export interface InventoryStores {
  stockByMenuItem: EntityStore<StockCount[]>;
  stockByLocation: EntityStore<StockCount[]>;
}

export interface InventoryLoaders {
  stockByMenuItem: DataLoader<string, StockCount[]>;
  stockByLocation: DataLoader<string, StockCount[]>;
}

function groupBy(
  keys: readonly string[],
  counts: readonly StockCount[],
  keyOf: (count: StockCount) => string,
): Map<string, StockCount[]> {
  // Every asked key gets a list, empty when nothing is counted: "no stock record" is an answer.
  const groups = new Map<string, StockCount[]>(keys.map((key) => [key, []]));
  for (const count of counts) groups.get(keyOf(count))?.push(count);
  return groups;
}

export function createInventoryStores(
  client: InventoryClient,
  settings: { cache: EntityCache | undefined; batching: boolean },
): InventoryStores {
  const { cache, batching } = settings;
  const limit = (vendorLimit: number) => (batching ? vendorLimit : 1);
  return {
    stockByMenuItem: createEntityStore({
      kind: 'stockByVariation',
      typeName: 'MenuItem stock',
      maxBatchSize: limit(inventoryLimits.catalogIdsPerCall),
      cache,
      fetchMany: async (ids) =>
        groupBy(ids, await client.retrieveInStockCounts({ menuItemIds: ids }), (c) => c.menuItemId),
    }),
    stockByLocation: createEntityStore({
      kind: 'stockByLocation',
      typeName: 'Location stock',
      maxBatchSize: limit(inventoryLimits.locationIdsPerCall),
      cache,
      fetchMany: async (ids) =>
        groupBy(ids, await client.retrieveInStockCounts({ locationIds: ids }), (c) => c.locationId),
    }),
  };
}

export function createInventoryLoaders(
  stores: InventoryStores,
  settings: { batching: boolean },
): InventoryLoaders {
  const batch = settings.batching;
  return {
    stockByMenuItem: stores.stockByMenuItem.createLoader({ batch }),
    stockByLocation: stores.stockByLocation.createLoader({ batch }),
  };
}
