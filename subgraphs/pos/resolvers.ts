import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { badUserInput, orNull } from '../../platform/errors.ts';
import type { EventBus, EventCursor } from '../kit/eventBus.ts';
import { lazyFields } from '../kit/lazyFields.ts';
import { locationEvents } from '../kit/locationEvents.ts';
import { ifVisible, type ScopedContext, sees } from '../kit/locationScope.ts';
import type { LineItem, Location, MenuItem, Order, OrderState } from './client.ts';
import type { PosLoaders } from './loaders.ts';
import { orderChangedTopic } from './webhooks.ts';

export interface PosContext extends ScopedContext {
  loaders: PosLoaders;
  bus: EventBus;
  /** A subscription's resume point and last delivered position (subgraphServer.ts). */
  eventCursor?: EventCursor;
}

type Ref = { id: string };

function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw badUserInput(`first must be between 1 and ${max}: ${first}`);
  }
  return first;
}

export const posResolvers: GraphQLResolverMap<PosContext> = {
  Query: {
    locations: async (_root, _args, context) =>
      (await context.loaders.allLocations()).filter((location) => sees(context, location.id)),
    location: async (_root, { id }: Ref, context) =>
      sees(context, id) ? orNull(context.loaders.location.load(id)) : null,
    order: async (_root, { id }: Ref, context) =>
      ifVisible(context, await orNull(context.loaders.order.load(id)), (order) => order.locationId),
    menuItem: (_root, { id }: Ref, { loaders }) => orNull(loaders.menuItem.load(id)),
    menuItems: (_root, _args, { loaders }) => loaders.allMenuItems(),
  },
  Subscription: {
    orderChanged: locationEvents<Order, { locationId: string }>(orderChangedTopic),
  },
  Location: {
    // POS owns locations and menu items: a reference from the gateway is checked (and loaded,
    // since the gateway only asks POS for them to read POS fields); a parent field's bare
    // `{ id }` stays lazy, so `menuItem { id }` costs nothing.
    __resolveReference: (ref: Ref, context: PosContext) =>
      sees(context, ref.id) ? context.loaders.location.load(ref.id) : null,
    ...lazyFields<PosContext, Location>(
      ({ loaders }, id) => loaders.location.load(id),
      ['name', 'timezone', 'currency', 'address', 'status'],
    ),
    openOrders: async (location: Ref, { first }: { first: number }, { loaders }) =>
      (await loaders.openOrdersByLocation.load(location.id)).slice(0, pageSize(first, 1000)),
    orders: async (
      location: Ref,
      args: { states?: OrderState[]; first: number; after?: string },
      { loaders },
    ) => {
      const page = await loaders.ordersPage({
        locationId: location.id,
        states: args.states,
        first: pageSize(args.first, 1000),
        after: args.after,
      });
      return {
        nodes: page.orders,
        pageInfo: { hasNextPage: page.cursor !== null, endCursor: page.cursor },
      };
    },
  },
  Order: {
    __resolveReference: async (ref: Ref, context: PosContext) =>
      ifVisible(context, await context.loaders.order.load(ref.id), (order) => order.locationId),
    location: (order: Order) => ({ id: order.locationId }),
  },
  LineItem: {
    menuItem: (line: LineItem) => (line.menuItemId ? { id: line.menuItemId } : null),
  },
  MenuItem: {
    __resolveReference: (ref: Ref, { loaders }: PosContext) => loaders.menuItem.load(ref.id),
    ...lazyFields<PosContext, MenuItem>(
      ({ loaders }, id) => loaders.menuItem.load(id),
      ['name', 'variationName', 'fullName', 'sku', 'price', 'category', 'tracksInventory'],
    ),
  },
};
