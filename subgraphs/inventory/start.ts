import { squareVendor } from '../kit/square/squareVendor.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import { readSubgraphSettings, type SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers } from '../kit/vendorChanges.ts';
import { createInventoryClient, type InventoryClient } from './client.ts';
import { createInventoryLoaders, createInventoryStores, type InventoryStores } from './loaders.ts';
import { stockReconcileSource } from './reconciler.ts';
import { type InventoryContext, inventoryResolvers } from './resolvers.ts';
import {
  inventoryWebhookChanges,
  inventoryWebhookEventTypes,
  stockChangedTopic,
} from './webhooks.ts';

type InventorySubgraphStores = InventoryStores & { client: InventoryClient };
export type InventorySubgraph = RunningSubgraph<InventorySubgraphStores>;

/** The inventory subgraph's settings from the environment: `INVENTORY_` variables and the shared ones. */
export function readInventorySettings(env: NodeJS.ProcessEnv = process.env): SubgraphSettings {
  return readSubgraphSettings('INVENTORY', { port: 4002, apiUrl: 'http://127.0.0.1:4102' }, env);
}

/** The inventory subgraph (stock per menu item and location) over Square's Inventory API. */
export function startInventorySubgraph(settings: SubgraphSettings): Promise<InventorySubgraph> {
  return startSubgraph<InventorySubgraphStores, InventoryContext, SquareWebhookEvent>(
    {
      name: 'inventory',
      vendor: squareVendor,
      topics: [stockChangedTopic],
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
      webhooks: {
        eventTypes: inventoryWebhookEventTypes,
        changesOf: (stores) => inventoryWebhookChanges(stores),
      },
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
