import type { World } from '../emulators/world.ts';

/**
 * What the graph should answer, computed straight from the emulators' world: the oracle the
 * end-to-end tests compare the gateway's responses with.
 */
export function menuItemFullName(world: World, variationId: string): string {
  const variation = world.catalog.get(variationId);
  const data = variation?.item_variation_data;
  if (!data) throw new Error(`no variation ${variationId} in the world`);
  const item = data.item_id ? world.catalog.get(data.item_id)?.item_data : undefined;
  const name = item?.name ?? data.name ?? variationId;
  return data.name && data.name !== name ? `${name}, ${data.name}` : name;
}

export function inStock(world: World, variationId: string, locationId: string): number | null {
  const count = world.inventoryCounts.get(`${variationId}:${locationId}:IN_STOCK`);
  return count ? Number(count.quantity) : null;
}

export function openOrdersNewestFirst(world: World, locationId: string) {
  return [...world.orders.values()]
    .filter((order) => order.location_id === locationId && order.state === 'OPEN')
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
}

export function onShiftNow(world: World, locationId: string): string[] {
  const names = [...world.timecards.values()]
    .filter((t) => t.location_id === locationId && t.status === 'OPEN')
    .map((t) => {
      const member = world.teamMembers.get(t.team_member_id);
      return [member?.given_name, member?.family_name].filter(Boolean).join(' ');
    });
  return [...new Set(names)].sort();
}

export function lowStock(world: World, locationId: string, below: number) {
  return [...world.inventoryCounts.values()]
    .filter(
      (c) => c.location_id === locationId && c.state === 'IN_STOCK' && Number(c.quantity) < below,
    )
    .sort(
      (a, b) =>
        Number(a.quantity) - Number(b.quantity) ||
        (a.catalog_object_id ?? '').localeCompare(b.catalog_object_id ?? ''),
    )
    .map((c) => ({
      quantity: Number(c.quantity),
      menuItem: { fullName: menuItemFullName(world, c.catalog_object_id ?? '') },
    }));
}

/** An order's line items as the README's operations select them, with stock at the location. */
export function expectedLineItems(
  world: World,
  order: { line_items?: { quantity: string; catalog_object_id?: string }[] },
  locationId: string,
) {
  return (order.line_items ?? []).map((line) => ({
    quantity: Number(line.quantity),
    menuItem: line.catalog_object_id
      ? {
          fullName: menuItemFullName(world, line.catalog_object_id),
          stock:
            inStock(world, line.catalog_object_id, locationId) === null
              ? null
              : { quantity: inStock(world, line.catalog_object_id, locationId) },
        }
      : null,
  }));
}

/** The README query's expected `location` for a location of the world. */
export function expectedOverview(world: World, locationId: string, orders: number) {
  const location = world.locations.find((l) => l.id === locationId);
  return {
    name: location?.name,
    openOrders: openOrdersNewestFirst(world, locationId)
      .slice(0, orders)
      .map((order) => ({
        id: order.id,
        ticketName: order.ticket_name ?? null,
        total: { amount: order.total_money?.amount, currency: order.total_money?.currency },
        lineItems: expectedLineItems(world, order, locationId),
      })),
    onShiftNow: onShiftNow(world, locationId),
    lowStockItems: lowStock(world, locationId, 5),
  };
}

/** An active team member assigned to the location who is not clocked in anywhere. */
export function offShiftMember(world: World, locationId: string): string {
  const clockedIn = new Set(
    [...world.timecards.values()].filter((t) => t.status === 'OPEN').map((t) => t.team_member_id),
  );
  const member = [...world.teamMembers.values()].find(
    (m) =>
      m.status === 'ACTIVE' &&
      !clockedIn.has(m.id) &&
      (m.assigned_locations.assignment_type === 'ALL_CURRENT_AND_FUTURE_LOCATIONS' ||
        m.assigned_locations.location_ids?.includes(locationId)),
  );
  if (!member) throw new Error(`everyone at ${locationId} is clocked in`);
  return member.id;
}

/**
 * The README subscription's (schema/operations/OrderChanged.graphql) expected `orderChanged`
 * for an order of the world, with `location.onShiftNow` as sorted names: compare it with
 * `withShiftNames(result)`, as the order of people on shift is not part of the answer.
 */
export function expectedOrderChanged(world: World, orderId: string) {
  const order = world.orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId} in the world`);
  const locationId = order.location_id;
  return {
    id: order.id,
    state: order.state,
    version: order.version,
    total: { amount: order.total_money?.amount, currency: order.total_money?.currency },
    lineItems: expectedLineItems(world, order, locationId),
    location: {
      name: world.locations.find((l) => l.id === locationId)?.name,
      onShiftNow: onShiftNow(world, locationId),
    },
  };
}

/** An `orderChanged` payload with its people on shift as sorted names (see expectedOrderChanged). */
export function withShiftNames(orderChanged: unknown): unknown {
  const order = orderChanged as { location?: { onShiftNow?: { displayName: string }[] } };
  if (!order?.location?.onShiftNow) return orderChanged;
  return {
    ...order,
    location: {
      ...order.location,
      onShiftNow: order.location.onShiftNow.map((m) => m.displayName).sort(),
    },
  };
}

/** Apollo Client's and urql's caches add `__typename` to every selection: the oracle has none. */
export function withoutTypenames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypenames);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '__typename')
      .map(([key, field]) => [key, withoutTypenames(field)]),
  );
}
