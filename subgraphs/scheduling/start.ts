import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import type { SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers, webhookRoutes } from '../kit/vendorChanges.ts';
import { createSchedulingClient, type SchedulingClient } from './client.ts';
import {
  createSchedulingLoaders,
  createSchedulingStores,
  type SchedulingStores,
} from './loaders.ts';
import { timecardReconcileSource } from './reconciler.ts';
import { type SchedulingContext, schedulingResolvers } from './resolvers.ts';
import { schedulingWebhookChanges } from './webhooks.ts';

type SchedulingSubgraphStores = SchedulingStores & { client: SchedulingClient };
export type SchedulingSubgraph = RunningSubgraph<SchedulingSubgraphStores>;

/** The scheduling subgraph (team, timecards, scheduled shifts) over Square's Team and Labor APIs. */
export function startSchedulingSubgraph(settings: SubgraphSettings): Promise<SchedulingSubgraph> {
  return startSubgraph<SchedulingSubgraphStores, SchedulingContext>(
    {
      name: 'scheduling',
      resolvers: schedulingResolvers,
      createStores: (runtime) => {
        const client = createSchedulingClient(runtime.http);
        const stores = createSchedulingStores(client, {
          cache: runtime.cache,
          batching: settings.batching,
        });
        return { client, ...stores };
      },
      createContext: (stores, runtime, identity) => ({
        identity,
        loaders: createSchedulingLoaders(stores, settings),
        bus: runtime.bus,
      }),
      routes: (stores, runtime) => webhookRoutes(runtime, schedulingWebhookChanges(stores)),
      startBackground: (stores, runtime) =>
        startReconcilers(
          runtime,
          [timecardReconcileSource(stores.client, stores)],
          settings.reconcileIntervalMs,
        ),
    },
    settings,
  );
}
