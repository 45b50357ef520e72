import { fileURLToPath } from 'node:url';
import { type ChildService, startChild } from './childProcess.ts';

/** What restaurantSystem.ts prints once it serves: where its parts are. */
export interface RestaurantBackend {
  service: ChildService;
  subgraphUrls: Record<string, string>;
  locationId: string;
  /** The POS emulator's API, for workloads that make vendor changes. */
  posApi: string;
  variationIds: string[];
}

const entry = fileURLToPath(new URL('./restaurantSystem.ts', import.meta.url));

/** The restaurant graph's back end (emulators and subgraphs) in a process of its own. */
export async function startRestaurantBackend(
  options: { cpus?: string | undefined; nodeArgs?: string[] } = {},
): Promise<RestaurantBackend> {
  const service = await startChild(entry, {
    ...options,
    readyPattern: /restaurant system ready (\{.*\})/,
  });
  return {
    service,
    ...(JSON.parse(service.ready[1] ?? '{}') as Omit<RestaurantBackend, 'service'>),
  };
}
