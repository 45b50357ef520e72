import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers, webhookRoutes } from '../kit/vendorChanges.ts';
import { createInventoryClient, type InventoryClient } from './client.ts';
import { createInventoryLoaders, createInventoryStores, type InventoryStores } from './loaders.ts';
import { stockReconcileSource } from './reconciler.ts';
import { type InventoryContext, inventoryResolvers } from './resolvers.ts';
import { inventoryWebhookChanges } from './webhooks.ts';

type InventorySubgraphStores = InventoryStores & { client: InventoryClient };
export type InventorySubgraph = RunningSubgraph<InventorySubgraphStores>;

/** The inventory subgraph (stock per menu item and location) over Square's Inventory API. */
export function startInventorySubgraph(settings: SubgraphSettings): Promise<InventorySubgraph> {
  return startSubgraph<InventorySubgraphStores, InventoryContext>(
    {
      name: 'inventory',
      resolvers: inventoryResolvers,
      createStores: (runtime) => {
        const client = createInventoryClient(runtime.http);
        const stores = createInventoryStores(client, {
          cache: runtime.cache,
          batching: settings.batching,
        });
        return { client, ...stores };
      },
      createContext: (stores, runtime, identity) => ({
        identity,
        loaders: createInventoryLoaders(stores, settings),
        bus: runtime.bus,
      }),
      routes: (stores, runtime) => webhookRoutes(runtime, inventoryWebhookChanges(stores)),
      startBackground: (stores, runtime) =>
        startReconcilers(
          runtime,
          [stockReconcileSource(stores.client, stores)],
          settings.reconcileIntervalMs,
        ),
    },
    settings,
  );
}
