import { unexpectedVendorData } from '../kit/upstreamErrors.ts';
import type { VendorHttp } from '../kit/vendorHttp.ts';

/**
 * Square's Orders, Catalog and Locations APIs: the only code that knows their wire format.
 * Each method is one endpoint; results are mapped to the graph's shapes (camelCase, money as
 * minor units, quantities as numbers, vendor enums checked).
 */

export interface Money {
  amount: number;
  currency: string;
}

export type LocationStatus = 'ACTIVE' | 'INACTIVE';
export interface Location {
  id: string;
  name: string;
  timezone: string | null;
  currency: string | null;
  address: string | null;
  status: LocationStatus;
}

export type OrderState = 'OPEN' | 'COMPLETED' | 'CANCELED' | 'DRAFT';
export interface LineItem {
  uid: string;
  name: string;
  quantity: number;
  variationName: string | null;
  note: string | null;
  basePrice: Money | null;
  total: Money;
  menuItemId: string | null;
}
export interface Order {
  id: string;
  locationId: string;
  state: OrderState;
  version: number;
  ticketName: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  lineItems: LineItem[];
  total: Money;
  totalTax: Money;
  totalDiscount: Money;
  totalTip: Money;
  netAmountDue: Money;
}

export interface MenuItem {
  id: string;
  name: string;
  variationName: string;
  fullName: string;
  sku: string | null;
  price: Money | null;
  category: string | null;
  tracksInventory: boolean;
}

/** Vendor limits, from Square's API reference. */
export const posLimits = {
  orderIdsPerBatch: 100,
  catalogIdsPerBatch: 1000,
  locationIdsPerSearch: 10,
  ordersPerSearchPage: 1000,
} as const;

interface WireMoney {
  amount?: number;
  currency?: string;
}
interface WireLineItem {
  uid?: string;
  name?: string;
  quantity: string;
  catalog_object_id?: string;
  variation_name?: string;
  note?: string;
  base_price_money?: WireMoney;
  total_money?: WireMoney;
}
interface WireOrder {
  id: string;
  location_id: string;
  state?: string;
  version?: number;
  ticket_name?: string;
  created_at?: string;
  updated_at?: string;
  closed_at?: string;
  line_items?: WireLineItem[];
  total_money?: WireMoney;
  total_tax_money?: WireMoney;
  total_discount_money?: WireMoney;
  total_tip_money?: WireMoney;
  net_amount_due_money?: WireMoney;
}
interface WireLocation {
  id: string;
  name?: string;
  timezone?: string;
  currency?: string;
  status?: string;
  address?: {
    address_line_1?: string;
    locality?: string;
    administrative_district_level_1?: string;
    postal_code?: string;
  };
}
interface WireCatalogObject {
  type: string;
  id: string;
  is_deleted?: boolean;
  item_data?: { name?: string; category_id?: string; categories?: { id: string }[] };
  item_variation_data?: {
    item_id?: string;
    name?: string;
    sku?: string;
    price_money?: WireMoney;
    track_inventory?: boolean;
  };
  category_data?: { name?: string };
}

const orderStates: readonly OrderState[] = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];

export function createPosClient(http: VendorHttp) {
  /** One page of POST /v2/orders/search at up to 10 locations with the given query. */
  async function searchPage(
    page: { locationIds: readonly string[]; limit: number; cursor?: string | undefined },
    query: object,
  ): Promise<{ orders: Order[]; cursor: string | null }> {
    if (page.locationIds.length > posLimits.locationIdsPerSearch) {
      throw new Error(`an orders search takes at most 10 locations: ${page.locationIds.length}`);
    }
    const body = await http.request<{ orders?: WireOrder[]; cursor?: string }>({
      method: 'POST',
      route: '/v2/orders/search',
      path: '/v2/orders/search',
      body: {
        location_ids: page.locationIds,
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
        query,
      },
    });
    return { orders: (body?.orders ?? []).map(toOrder), cursor: body?.cursor ?? null };
  }

  return {
    async listLocations(): Promise<Location[]> {
      const body = await http.request<{ locations?: WireLocation[] }>({
        method: 'GET',
        route: '/v2/locations',
        path: '/v2/locations',
      });
      return (body?.locations ?? []).map(toLocation);
    },

    /** One page of orders at up to 10 locations, newest first. */
    searchOrders(query: {
      locationIds: readonly string[];
      states?: readonly OrderState[] | undefined;
      limit: number;
      cursor?: string | undefined;
    }): Promise<{ orders: Order[]; cursor: string | null }> {
      return searchPage(query, {
        ...(query.states?.length ? { filter: { state_filter: { states: query.states } } } : {}),
        sort: { sort_field: 'CREATED_AT', sort_order: 'DESC' },
      });
    },

    /**
     * One page of orders at up to 10 locations by last change: those updated at or after
     * `since`, oldest change first; without `since`, the most recently updated first.
     */
    searchOrdersByUpdate(query: {
      locationIds: readonly string[];
      since?: string | undefined;
      limit: number;
      cursor?: string | undefined;
    }): Promise<{ orders: Order[]; cursor: string | null }> {
      return searchPage(query, {
        // Square filters on a time field only together with a sort on the same field.
        ...(query.since
          ? { filter: { date_time_filter: { updated_at: { start_at: query.since } } } }
          : {}),
        sort: { sort_field: 'UPDATED_AT', sort_order: query.since ? 'ASC' : 'DESC' },
      });
    },

    /** Up to 100 orders by id; ids Square does not know are left out, as it does. */
    async batchRetrieveOrders(ids: readonly string[]): Promise<Order[]> {
      const body = await http.request<{ orders?: WireOrder[] }>({
        method: 'POST',
        route: '/v2/orders/batch-retrieve',
        path: '/v2/orders/batch-retrieve',
        body: { order_ids: ids },
      });
      return (body?.orders ?? []).map(toOrder);
    },

    /** Up to 1,000 catalog variations by id, with their parent items and categories. */
    async batchRetrieveMenuItems(ids: readonly string[]): Promise<MenuItem[]> {
      const body = await http.request<{
        objects?: WireCatalogObject[];
        related_objects?: WireCatalogObject[];
      }>({
        method: 'POST',
        route: '/v2/catalog/batch-retrieve',
        path: '/v2/catalog/batch-retrieve',
        body: { object_ids: ids, include_related_objects: true },
      });
      return toMenuItems([...(body?.objects ?? []), ...(body?.related_objects ?? [])]);
    },

    /** The whole sellable menu, every page of the catalog list. */
    async listMenuItems(): Promise<MenuItem[]> {
      const objects: WireCatalogObject[] = [];
      let cursor: string | undefined;
      do {
        const search = new URLSearchParams({ types: 'ITEM,ITEM_VARIATION,CATEGORY' });
        if (cursor) search.set('cursor', cursor);
        const body = await http.request<{ objects?: WireCatalogObject[]; cursor?: string }>({
          method: 'GET',
          route: '/v2/catalog/list',
          path: `/v2/catalog/list?${search}`,
        });
        objects.push(...(body?.objects ?? []));
        cursor = body?.cursor;
      } while (cursor);
      return toMenuItems(objects);
    },
  };
}

export type PosClient = ReturnType<typeof createPosClient>;

function toMoney(wire: WireMoney | undefined): Money | null {
  if (wire?.amount === undefined) return null;
  return { amount: wire.amount, currency: wire.currency ?? 'USD' };
}

const zero = (currency = 'USD'): Money => ({ amount: 0, currency });

function toLocation(wire: WireLocation): Location {
  const a = wire.address;
  const address = a
    ? [
        a.address_line_1,
        a.locality,
        [a.administrative_district_level_1, a.postal_code].filter(Boolean).join(' '),
      ]
        .filter(Boolean)
        .join(', ')
    : null;
  return {
    id: wire.id,
    name: wire.name ?? wire.id,
    timezone: wire.timezone ?? null,
    currency: wire.currency ?? null,
    address: address || null,
    status: wire.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
  };
}

function toOrder(wire: WireOrder): Order {
  const state = orderStates.find((s) => s === wire.state);
  if (!state) throw unexpectedVendorData('pos', `order ${wire.id} has state ${wire.state}`);
  const total = toMoney(wire.total_money) ?? zero();
  return {
    id: wire.id,
    locationId: wire.location_id,
    state,
    version: wire.version ?? 0,
    ticketName: wire.ticket_name ?? null,
    createdAt: wire.created_at ?? '',
    updatedAt: wire.updated_at ?? wire.created_at ?? '',
    closedAt: wire.closed_at ?? null,
    lineItems: (wire.line_items ?? []).map((line, index) => ({
      uid: line.uid ?? `${wire.id}:${index}`,
      name: line.name ?? '',
      quantity: Number(line.quantity),
      variationName: line.variation_name ?? null,
      note: line.note ?? null,
      basePrice: toMoney(line.base_price_money),
      total: toMoney(line.total_money) ?? zero(total.currency),
      menuItemId: line.catalog_object_id ?? null,
    })),
    total,
    totalTax: toMoney(wire.total_tax_money) ?? zero(total.currency),
    totalDiscount: toMoney(wire.total_discount_money) ?? zero(total.currency),
    totalTip: toMoney(wire.total_tip_money) ?? zero(total.currency),
    netAmountDue: toMoney(wire.net_amount_due_money) ?? zero(total.currency),
  };
}

/** Joins variations with their parent item and its category; deleted objects are skipped. */
function toMenuItems(objects: readonly WireCatalogObject[]): MenuItem[] {
  const byId = new Map(objects.map((o) => [o.id, o]));
  return objects.flatMap((object) => {
    const variation = object.item_variation_data;
    if (object.type !== 'ITEM_VARIATION' || !variation || object.is_deleted) return [];
    const item = variation.item_id ? byId.get(variation.item_id)?.item_data : undefined;
    const categoryId = item?.category_id ?? item?.categories?.[0]?.id;
    const category = categoryId ? byId.get(categoryId)?.category_data?.name : undefined;
    const name = item?.name ?? variation.name ?? object.id;
    const variationName = variation.name ?? '';
    return [
      {
        id: object.id,
        name,
        variationName,
        fullName: variationName && variationName !== name ? `${name}, ${variationName}` : name,
        sku: variation.sku ?? null,
        price: toMoney(variation.price_money),
        category: category ?? null,
        tracksInventory: variation.track_inventory ?? false,
      },
    ];
  });
}
