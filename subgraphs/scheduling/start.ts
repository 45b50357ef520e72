import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { createSchedulingClient } from './client.ts';
import {
  createSchedulingLoaders,
  createSchedulingStores,
  type SchedulingStores,
} from './loaders.ts';
import { type SchedulingContext, schedulingResolvers } from './resolvers.ts';

export type SchedulingSubgraph = RunningSubgraph<SchedulingStores>;

/** The scheduling subgraph (team, timecards, scheduled shifts) over Square's Team and Labor APIs. */
export function startSchedulingSubgraph(settings: SubgraphSettings): Promise<SchedulingSubgraph> {
  return startSubgraph<SchedulingStores, SchedulingContext>(
    {
      name: 'scheduling',
      resolvers: schedulingResolvers,
      createStores: (runtime) =>
        createSchedulingStores(createSchedulingClient(runtime.http), {
          cache: runtime.cache,
          batching: settings.batching,
        }),
      createContext: (stores, runtime) => ({
        loaders: createSchedulingLoaders(stores, settings),
        bus: runtime.bus,
      }),
    },
    settings,
  );
}
