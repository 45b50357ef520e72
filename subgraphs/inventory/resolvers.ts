import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { EventBus, EventCursor } from '../kit/eventBus.ts';
import { locationEvents } from '../kit/locationEvents.ts';
import { type ScopedContext, sees } from '../kit/locationScope.ts';
import type { StockCount } from './client.ts';
import type { InventoryLoaders } from './loaders.ts';
import { stockChangedTopic } from './webhooks.ts';

export interface InventoryContext extends ScopedContext {
  loaders: InventoryLoaders;
  bus: EventBus;
  /** A subscription's resume point and last delivered position (subgraphServer.ts). */
  eventCursor?: EventCursor;
}

type Ref = { id: string };

async function stockAt(context: InventoryContext, menuItemId: string, locationId: string) {
  if (!sees(context, locationId)) return null;
  const counts = await context.loaders.stockByMenuItem.load(menuItemId);
  return counts.find((count) => count.locationId === locationId) ?? null;
}

export const inventoryResolvers: GraphQLResolverMap<InventoryContext> = {
  Query: {
    stock: (_root, args: { menuItemId: string; locationId: string }, context) =>
      stockAt(context, args.menuItemId, args.locationId),
  },
  Subscription: {
    stockChanged: locationEvents<StockCount, { locationId: string; below?: number | null }>(
      stockChangedTopic,
      (count, { below }) => below === undefined || below === null || count.quantity < below,
    ),
  },
  MenuItem: {
    __resolveReference: (ref: Ref) => ref,
    stock: (item: Ref, { locationId }: { locationId: string }, context) =>
      stockAt(context, item.id, locationId),
    stockLevels: async (item: Ref, _args, context) =>
      (await context.loaders.stockByMenuItem.load(item.id)).filter((count) =>
        sees(context, count.locationId),
      ),
  },
  Location: {
    __resolveReference: (ref: Ref) => ref,
    lowStockItems: async (location: Ref, { below }: { below: number }, context) => {
      if (!sees(context, location.id)) return [];
      const counts = await context.loaders.stockByLocation.load(location.id);
      return counts
        .filter((count) => count.quantity < below)
        .sort((a, b) => a.quantity - b.quantity || a.menuItemId.localeCompare(b.menuItemId));
    },
  },
  StockLevel: {
    menuItem: (count: StockCount) => ({ id: count.menuItemId }),
    location: (count: StockCount) => ({ id: count.locationId }),
  },
};
