import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { type DomainEvent, type EventBus, EventTopic, eventsOf } from '../kit/eventBus.ts';
import type { StockCount } from './client.ts';
import type { InventoryLoaders } from './loaders.ts';

export interface InventoryContext {
  loaders: InventoryLoaders;
  bus: EventBus;
}

type Ref = { id: string };

async function stockAt(loaders: InventoryLoaders, menuItemId: string, locationId: string) {
  const counts = await loaders.stockByMenuItem.load(menuItemId);
  return counts.find((count) => count.locationId === locationId) ?? null;
}

export const inventoryResolvers: GraphQLResolverMap<InventoryContext> = {
  Query: {
    stock: (_root, args: { menuItemId: string; locationId: string }, { loaders }) =>
      stockAt(loaders, args.menuItemId, args.locationId),
  },
  Subscription: {
    stockChanged: {
      subscribe: (_root, args: { locationId: string; below?: number | null }, { bus }) =>
        eventsOf<StockCount>(
          bus,
          EventTopic.stockChanged,
          (count) =>
            count.locationId === args.locationId &&
            (args.below === undefined || args.below === null || count.quantity < args.below),
        ),
      resolve: (event: DomainEvent<StockCount>) => event.payload,
    },
  },
  MenuItem: {
    __resolveReference: (ref: Ref) => ref,
    stock: (item: Ref, { locationId }: { locationId: string }, { loaders }) =>
      stockAt(loaders, item.id, locationId),
    stockLevels: (item: Ref, _args, { loaders }) => loaders.stockByMenuItem.load(item.id),
  },
  Location: {
    __resolveReference: (ref: Ref) => ref,
    lowStockItems: async (location: Ref, { below }: { below: number }, { loaders }) => {
      const counts = await loaders.stockByLocation.load(location.id);
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
