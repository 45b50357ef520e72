import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers, webhookRoutes } from '../kit/vendorChanges.ts';
import { createPosClient, type PosClient } from './client.ts';
import { createPosLoaders, createPosStores, type PosStores } from './loaders.ts';
import { orderReconcileSource } from './reconciler.ts';
import { type PosContext, posResolvers } from './resolvers.ts';
import { createOrderChanges, type OrderChanges, posWebhookChanges } from './webhooks.ts';

type PosSubgraphStores = PosStores & { client: PosClient; orderChanges: OrderChanges };
export type PosSubgraph = RunningSubgraph<PosSubgraphStores>;

/** The POS subgraph (orders, menu, locations) over Square's Orders, Catalog and Locations APIs. */
export function startPosSubgraph(settings: SubgraphSettings): Promise<PosSubgraph> {
  return startSubgraph<PosSubgraphStores, PosContext>(
    {
      name: 'pos',
      resolvers: posResolvers,
      createStores: (runtime) => {
        const client = createPosClient(runtime.http);
        const stores = createPosStores(client, {
          cache: runtime.cache,
          batching: settings.batching,
        });
        return { client, ...stores, orderChanges: createOrderChanges(stores) };
      },
      createContext: (stores, runtime, identity) => ({
        identity,
        loaders: createPosLoaders(stores.client, stores, settings),
        bus: runtime.bus,
      }),
      routes: (stores, runtime) => webhookRoutes(runtime, posWebhookChanges(stores.orderChanges)),
      startBackground: (stores, runtime) =>
        startReconcilers(
          runtime,
          [orderReconcileSource(stores.client, stores, stores.orderChanges)],
          settings.reconcileIntervalMs,
        ),
    },
    settings,
  );
}
