import type { Server } from 'node:http';
import { RemoteGraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { type ExecutionResult, GraphQLError, print } from 'graphql';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Counters } from '../../subgraphs/kit/counters.ts';
import {
  createFederatedSubscriptions,
  type FederatedSubscriptions,
} from './federatedSubscriptions.ts';
import { createSubgraphSockets } from './subgraphSockets.ts';
import { createSubscriptionPlanner } from './subscriptionPlanner.ts';

/**
 * graphql-ws on the gateway's `/graphql` path (the same path as HTTP): subscriptions run as
 * federated subscriptions; queries and mutations sent over the socket go through Apollo
 * Server like HTTP ones. An invalid operation gets graphql-ws's error message at once.
 */
export interface SubscriptionServer {
  subscriptions: FederatedSubscriptions;
  counters: Counters;
  /** Each subgraph's name and URL (routing URL, or its override). */
  subgraphs(): { name: string; url: string }[];
  close(): Promise<void>;
}

export function startSubscriptionServer(options: {
  http: Server;
  apollo: ApolloServer<BaseContext>;
  supergraphSdl: string;
  subgraphUrls: Record<string, string | undefined>;
  counters: Counters;
}): SubscriptionServer {
  const planner = createSubscriptionPlanner(options.supergraphSdl);
  const urlOf = (name: string) => {
    const url = options.subgraphUrls[name] ?? planner.subgraphs.find((s) => s.name === name)?.url;
    if (!url) throw new GraphQLError(`unknown subgraph ${name}`);
    return url;
  };
  const dataSources: ServiceMap = Object.fromEntries(
    planner.subgraphs.map(({ name }) => [name, new RemoteGraphQLDataSource({ url: urlOf(name) })]),
  );
  const { counters } = options;
  const sockets = createSubgraphSockets();
  const subscriptions = createFederatedSubscriptions({
    planner: () => planner,
    dataSources: () => dataSources,
    subgraphUrl: urlOf,
    sockets,
    counters,
  });

  const wss = new WebSocketServer({ server: options.http, path: '/graphql' });
  const server = serveGraphQLWs(
    {
      schema: planner.schema,
      execute: async (args): Promise<ExecutionResult> => {
        const response = await options.apollo.executeOperation({
          query: print(args.document),
          variables: args.variableValues ?? {},
          ...(args.operationName ? { operationName: args.operationName } : {}),
        });
        if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
        return {
          errors: [new GraphQLError('incremental delivery is not supported over graphql-ws')],
        };
      },
      subscribe: (args) =>
        subscriptions.subscribe({
          document: args.document,
          operationName: args.operationName ?? undefined,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          context: {},
          scope: '',
        }),
    },
    wss,
  );
  return {
    subscriptions,
    counters,
    subgraphs: () => planner.subgraphs.map(({ name }) => ({ name, url: urlOf(name) })),
    async close() {
      subscriptions.close();
      await server.dispose();
      await new Promise((resolve) => wss.close(resolve));
      await sockets.close();
    },
  };
}
