import type { VendorHttp } from '../kit/vendorHttp.ts';

/** Square's Inventory API: the only code that knows its wire format. */

/** The in-stock count of one catalog variation at one location. */
export interface StockCount {
  menuItemId: string;
  locationId: string;
  quantity: number;
  calculatedAt: string;
}

export const inventoryLimits = {
  /** Square publishes no cap on ids; 1,000 matches its catalog batch limit and bounds the body. */
  catalogIdsPerCall: 1000,
  /** Square publishes no cap on location ids either; a merchant rarely has more than a few. */
  locationIdsPerCall: 100,
  countsPerPage: 1000,
} as const;

export interface WireInventoryCount {
  catalog_object_id: string;
  location_id: string;
  state: string;
  quantity?: string;
  calculated_at?: string;
}

export function createInventoryClient(http: VendorHttp) {
  return {
    /**
     * Every IN_STOCK count matching the filters, following cursors to the last page (a page may
     * be empty yet carry no cursor; Square does that).
     */
    async retrieveInStockCounts(filter: {
      menuItemIds?: readonly string[];
      locationIds?: readonly string[];
      /** Only counts that changed after this time (RFC 3339). */
      updatedAfter?: string;
    }): Promise<StockCount[]> {
      const counts: StockCount[] = [];
      let cursor: string | undefined;
      do {
        const body = await http.request<{ counts?: WireInventoryCount[]; cursor?: string }>({
          method: 'POST',
          route: '/v2/inventory/counts/batch-retrieve',
          path: '/v2/inventory/counts/batch-retrieve',
          body: {
            ...(filter.menuItemIds ? { catalog_object_ids: filter.menuItemIds } : {}),
            ...(filter.locationIds ? { location_ids: filter.locationIds } : {}),
            ...(filter.updatedAfter ? { updated_after: filter.updatedAfter } : {}),
            states: ['IN_STOCK'],
            limit: inventoryLimits.countsPerPage,
            ...(cursor ? { cursor } : {}),
          },
        });
        for (const count of body?.counts ?? []) {
          if (count.state === 'IN_STOCK') counts.push(toStockCount(count));
        }
        cursor = body?.cursor;
      } while (cursor);
      return counts;
    },

    /** The in-stock count that changed last (Square returns counts newest first). */
    async newestInStockCount(): Promise<StockCount | undefined> {
      const body = await http.request<{ counts?: WireInventoryCount[] }>({
        method: 'POST',
        route: '/v2/inventory/counts/batch-retrieve',
        path: '/v2/inventory/counts/batch-retrieve',
        body: { states: ['IN_STOCK'], limit: 1 },
      });
      const [newest] = body?.counts ?? [];
      return newest ? toStockCount(newest) : undefined;
    },
  };
}

export type InventoryClient = ReturnType<typeof createInventoryClient>;

export function toStockCount(wire: WireInventoryCount): StockCount {
  return {
    menuItemId: wire.catalog_object_id,
    locationId: wire.location_id,
    quantity: Number(wire.quantity ?? '0'),
    calculatedAt: wire.calculated_at ?? '',
  };
}
