import type { BaseContext } from '@apollo/server';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Counters } from './counters.ts';
import type { EntityCache } from './entityCache.ts';
import type { ServiceHandle } from './httpServer.ts';
import {
  createSubgraphRuntime,
  type SubgraphRuntime,
  type SubgraphSettings,
} from './subgraphRuntime.ts';
import { startSubgraphServer } from './subgraphServer.ts';

/** A running subgraph: its URL, and what tests and the metrics endpoint read. */
export interface RunningSubgraph<S> extends ServiceHandle {
  counters: Counters;
  cache: EntityCache | undefined;
  stores: S;
}

export interface SubgraphDefinition<S, C extends BaseContext> {
  /** Also the SDL file name (`schema/<name>.graphql`) and the cache namespace. */
  name: string;
  resolvers: GraphQLResolverMap<C>;
  /** Builds the long-lived stores (vendor client, cross-request cache) once per process. */
  createStores(runtime: SubgraphRuntime, settings: SubgraphSettings): S;
  /** Builds one request's context (fresh loaders) from the stores. */
  createContext(stores: S): C;
}

/** Starts a subgraph the same way for every vendor: runtime, stores, GraphQL server. */
export async function startSubgraph<S, C extends BaseContext>(
  definition: SubgraphDefinition<S, C>,
  settings: SubgraphSettings,
): Promise<RunningSubgraph<S>> {
  const runtime = createSubgraphRuntime(definition.name, settings);
  const stores = definition.createStores(runtime, settings);
  const server = await startSubgraphServer<C>({
    name: definition.name,
    resolvers: definition.resolvers,
    context: async () => definition.createContext(stores),
    host: settings.host,
    port: settings.port,
  });
  return {
    url: server.url,
    counters: runtime.counters,
    cache: runtime.cache,
    stores,
    async close() {
      await server.close();
      await runtime.close();
    },
  };
}
