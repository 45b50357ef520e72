import { squareVendor } from '../kit/square/squareVendor.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import { readSubgraphSettings, type SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers } from '../kit/vendorChanges.ts';
import { createPosClient, type PosClient } from './client.ts';
import { createPosLoaders, createPosStores, type PosStores } from './loaders.ts';
import { orderReconcileSource } from './reconciler.ts';
import { type PosContext, posResolvers } from './resolvers.ts';
import {
  createOrderChanges,
  type OrderChanges,
  orderChangedTopic,
  posWebhookChanges,
  posWebhookEventTypes,
} from './webhooks.ts';

type PosSubgraphStores = PosStores & { client: PosClient; orderChanges: OrderChanges };
export type PosSubgraph = RunningSubgraph<PosSubgraphStores>;

/** The pos subgraph's settings from the environment: `POS_` variables and the shared ones. */
export function readPosSettings(env: NodeJS.ProcessEnv = process.env): SubgraphSettings {
  return readSubgraphSettings('POS', { port: 4001, apiUrl: 'http://127.0.0.1:4101' }, env);
}

/** The POS subgraph (orders, menu, locations) over Square's Orders, Catalog and Locations APIs. */
export function startPosSubgraph(settings: SubgraphSettings): Promise<PosSubgraph> {
  return startSubgraph<PosSubgraphStores, PosContext, SquareWebhookEvent>(
    {
      name: 'pos',
      vendor: squareVendor,
      topics: [orderChangedTopic],
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
      webhooks: {
        eventTypes: posWebhookEventTypes,
        changesOf: (stores) => posWebhookChanges(stores.orderChanges),
      },
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
