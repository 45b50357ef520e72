import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { createInventoryClient } from './client.ts';
import { createInventoryLoaders, createInventoryStores, type InventoryStores } from './loaders.ts';
import { type InventoryContext, inventoryResolvers } from './resolvers.ts';

export type InventorySubgraph = RunningSubgraph<InventoryStores>;

/** The inventory subgraph (stock per menu item and location) over Square's Inventory API. */
export function startInventorySubgraph(settings: SubgraphSettings): Promise<InventorySubgraph> {
  return startSubgraph<InventoryStores, InventoryContext>(
    {
      name: 'inventory',
      resolvers: inventoryResolvers,
      createStores: (runtime) =>
        createInventoryStores(createInventoryClient(runtime.http), {
          cache: runtime.cache,
          batching: settings.batching,
        }),
      createContext: (stores, runtime) => ({
        loaders: createInventoryLoaders(stores, settings),
        bus: runtime.bus,
      }),
    },
    settings,
  );
}
