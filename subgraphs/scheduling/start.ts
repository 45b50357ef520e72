import { squareVendor } from '../kit/square/squareVendor.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import { type RunningSubgraph, startSubgraph } from '../kit/startSubgraph.ts';
import { readSubgraphSettings, type SubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startReconcilers } from '../kit/vendorChanges.ts';
import { createSchedulingClient, type SchedulingClient } from './client.ts';
import {
  createSchedulingLoaders,
  createSchedulingStores,
  type SchedulingStores,
} from './loaders.ts';
import { timecardReconcileSource } from './reconciler.ts';
import { type SchedulingContext, schedulingResolvers } from './resolvers.ts';
import {
  schedulingWebhookChanges,
  schedulingWebhookEventTypes,
  timecardChangedTopic,
} from './webhooks.ts';

type SchedulingSubgraphStores = SchedulingStores & { client: SchedulingClient };
export type SchedulingSubgraph = RunningSubgraph<SchedulingSubgraphStores>;

/** The scheduling subgraph's settings from the environment: `SCHEDULING_` variables and the shared ones. */
export function readSchedulingSettings(env: NodeJS.ProcessEnv = process.env): SubgraphSettings {
  return readSubgraphSettings('SCHEDULING', { port: 4003, apiUrl: 'http://127.0.0.1:4103' }, env);
}

/** The scheduling subgraph (team, timecards, scheduled shifts) over Square's Team and Labor APIs. */
export function startSchedulingSubgraph(settings: SubgraphSettings): Promise<SchedulingSubgraph> {
  return startSubgraph<SchedulingSubgraphStores, SchedulingContext, SquareWebhookEvent>(
    {
      name: 'scheduling',
      vendor: squareVendor,
      topics: [timecardChangedTopic],
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
      webhooks: {
        eventTypes: schedulingWebhookEventTypes,
        changesOf: (stores) => schedulingWebhookChanges(stores),
      },
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
