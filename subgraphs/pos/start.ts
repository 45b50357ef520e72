import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { createPosClient, type PosClient } from './client.ts';
import { createPosLoaders, createPosStores, type PosStores } from './loaders.ts';
import { type PosContext, posResolvers } from './resolvers.ts';

export type PosSubgraph = RunningSubgraph<PosStores & { client: PosClient }>;

/** The POS subgraph (orders, menu, locations) over Square's Orders, Catalog and Locations APIs. */
export function startPosSubgraph(settings: SubgraphSettings): Promise<PosSubgraph> {
  return startSubgraph<PosStores & { client: PosClient }, PosContext>(
    {
      name: 'pos',
      resolvers: posResolvers,
      createStores: (runtime) => {
        const client = createPosClient(runtime.http);
        return {
          client,
          ...createPosStores(client, { cache: runtime.cache, batching: settings.batching }),
        };
      },
      createContext: (stores, runtime) => ({
        loaders: createPosLoaders(stores.client, stores, settings),
        bus: runtime.bus,
      }),
    },
    settings,
  );
}
