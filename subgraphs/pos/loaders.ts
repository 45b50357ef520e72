import type DataLoader from 'dataloader';
import type { EntityCache } from '../kit/entityCache.ts';
import {
  createEntityStore,
  createListLoaders,
  type EntityStore,
  WHOLE_LIST,
} from '../kit/entityStore.ts';
import {
  type Location,
  type MenuItem,
  type Order,
  type OrderState,
  type PosClient,
  posLimits,
} from './client.ts';

/**
 * POS data by key, shared across requests (stores) and batched per request (loaders).
 * `openOrdersByLocation` batches locations into one orders search (up to 10 per call) and
 * primes the order store with what it found, so resolving those orders costs nothing more.
 */
export interface PosStores {
  /** One key, `all`: the vendor lists every location in one call. */
  locations: EntityStore<Location[]>;
  order: EntityStore<Order>;
  menuItem: EntityStore<MenuItem>;
  openOrdersByLocation: EntityStore<Order[]>;
}

/** What resolvers may ask of POS during one request. */
export interface PosLoaders {
  location: DataLoader<string, Location>;
  allLocations(): Promise<Location[]>;
  order: DataLoader<string, Order>;
  menuItem: DataLoader<string, MenuItem>;
  openOrdersByLocation: DataLoader<string, Order[]>;
  /** One page of a location's orders (a vendor search, not cached: cursors are per query). */
  ordersPage(query: {
    locationId: string;
    states: readonly OrderState[] | undefined;
    first: number;
    after: string | undefined;
  }): Promise<{ orders: Order[]; cursor: string | null }>;
  /** The whole menu: every page of the catalog list. */
  allMenuItems(): Promise<MenuItem[]>;
}

export interface StoreSettings {
  cache: EntityCache | undefined;
  /** False turns batching off: one vendor call per entity (the benchmark's baseline). */
  batching: boolean;
}

export function createPosStores(client: PosClient, settings: StoreSettings): PosStores {
  const { cache, batching } = settings;
  const limit = (vendorLimit: number) => (batching ? vendorLimit : 1);

  const order = createEntityStore<Order>({
    kind: 'order',
    typeName: 'Order',
    maxBatchSize: limit(posLimits.orderIdsPerBatch),
    cache,
    fetchMany: async (ids) => byId(await client.batchRetrieveOrders(ids)),
  });

  return {
    order,
    locations: createEntityStore<Location[]>({
      kind: 'location',
      typeName: 'Location list',
      maxBatchSize: 1,
      cache,
      fetchMany: async () => new Map([[WHOLE_LIST, await client.listLocations()]]),
    }),
    menuItem: createEntityStore<MenuItem>({
      kind: 'catalogVariation',
      typeName: 'MenuItem',
      maxBatchSize: limit(posLimits.catalogIdsPerBatch),
      cache,
      fetchMany: async (ids) => byId(await client.batchRetrieveMenuItems(ids)),
    }),
    openOrdersByLocation: createEntityStore<Order[]>({
      kind: 'openOrdersByLocation',
      typeName: 'Location',
      maxBatchSize: limit(posLimits.locationIdsPerSearch),
      cache,
      fetchMany: async (locationIds) => {
        const found = new Map<string, Order[]>(locationIds.map((id) => [id, []]));
        let cursor: string | undefined;
        do {
          const page = await client.searchOrders({
            locationIds,
            states: ['OPEN'],
            limit: posLimits.ordersPerSearchPage,
            cursor,
          });
          for (const o of page.orders) found.get(o.locationId)?.push(o);
          cursor = page.cursor ?? undefined;
        } while (cursor);
        await order.prime(byId([...found.values()].flat()));
        return found;
      },
    }),
  };
}

const byId = <V extends { id: string }>(values: readonly V[]) =>
  new Map(values.map((value) => [value.id, value]));

export function createPosLoaders(
  client: PosClient,
  stores: PosStores,
  settings: { batching: boolean },
): PosLoaders {
  const batch = settings.batching;
  const locations = createListLoaders(stores.locations, 'Location');
  return {
    allLocations: locations.all,
    location: locations.byId,
    async ordersPage({ locationId, states, first, after }) {
      const page = await client.searchOrders({
        locationIds: [locationId],
        states,
        limit: first,
        cursor: after,
      });
      await stores.order.prime(byId(page.orders));
      return page;
    },
    async allMenuItems() {
      const items = await client.listMenuItems();
      await stores.menuItem.prime(byId(items));
      return items;
    },
    order: stores.order.createLoader({ batch }),
    menuItem: stores.menuItem.createLoader({ batch }),
    openOrdersByLocation: stores.openOrdersByLocation.createLoader({ batch }),
  };
}
