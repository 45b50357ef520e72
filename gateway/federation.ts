import { ApolloGateway, type GraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, print } from 'graphql';
import { maskInternalErrors } from '../platform/errors.ts';
import type { ApqStore } from './apqStore.ts';
import { deduplicateInflightQueries } from './subgraphDeduplication.ts';
import { forwardSubgraphExtensions, subgraphExtensionsPlugin } from './subgraphExtensions.ts';
import { createSubgraphFetcher } from './subgraphFetcher.ts';
import { signSubgraphCalls } from './subgraphIdentity.ts';
import { propagateTraceContext } from './subgraphTracing.ts';
import type { ApolloSupergraphHook } from './supergraph/supergraphOwner.ts';

export interface FederationOptions {
  /** The supergraph owner's hook (supergraph/supergraphOwner.ts): the SDL and its updates. */
  supergraph: ApolloSupergraphHook;
  /** Subgraph URLs that replace the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string | undefined>;
  /** Signs the caller's identity onto every subgraph call (subgraphIdentity.ts). */
  trustSecret: string;
  /** Where Apollo Server keeps persisted queries (apqStore.ts); default: in this process. */
  cache?: ApqStore | undefined;
  /** Identical in-flight subgraph queries share one call (default true; SUBGRAPH_DEDUPLICATION). */
  deduplicate?: boolean | undefined;
}

/**
 * The query-serving core: `@apollo/gateway` over a static supergraph inside Apollo Server. The
 * HTTP and WebSocket serving around it lives in startGateway.ts. What makes it faster than
 * stock Apollo Gateway is measured in bench/results/HISTORY.md.
 */
export function createFederatedServer(options: FederationOptions): {
  gateway: ApolloGateway;
  server: ApolloServer<BaseContext>;
  /** Builds a subgraph's data source as queries use it; subscriptions' entity fetches too. */
  buildService: (subgraph: { name: string; url?: string | undefined }) => GraphQLDataSource;
} {
  // One keep-alive pool per gateway, shared by every subgraph's data source.
  const fetcher =
    options.deduplicate === false
      ? createSubgraphFetcher()
      : deduplicateInflightQueries(createSubgraphFetcher());
  const buildService = ({ name, url }: { name: string; url?: string | undefined }) => {
    const source = propagateTraceContext(
      forwardSubgraphExtensions(
        name,
        new RemoteGraphQLDataSource({ url: options.subgraphUrls[name] ?? url, fetcher }),
      ),
    );
    return signSubgraphCalls(source, options.trustSecret);
  };
  const gateway = new ApolloGateway({
    // A supergraph hook rather than a fixed string: the owner keeps the update callback.
    supergraphSdl: options.supergraph,
    buildService,
  });
  const server = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    // Who may introspect is the request guard's decision (INTROSPECTION: analysts in
    // production); Apollo Server's own production default would refuse analysts too.
    introspection: true,
    // Apollo's CSRF check refuses a GET without a special header, which urql sends for short
    // queries. It guards cookie-authenticated servers; here every request needs a bearer token
    // in `Authorization`, which a cross-site page cannot make a browser send without a CORS
    // preflight, and the preflight is refused for origins not allowed (http/cors.ts).
    csrfPrevention: false,
    formatError: maskInternalErrors(process.env.NODE_ENV === 'production'),
    hideSchemaDetailsFromClientErrors: process.env.NODE_ENV === 'production',
    plugins: [subgraphExtensionsPlugin()],
    ...(options.cache ? { cache: options.cache } : {}),
  });
  return { gateway, server, buildService };
}

/**
 * One parsed operation run through Apollo Server, as an HTTP request would run (plugins, the
 * gateway, signed subgraph calls): for queries sent on a subscription transport and for the
 * parts of a `@defer` query. A single result; incremental delivery is not done here.
 */
export async function executeWithApollo(
  apollo: ApolloServer<BaseContext>,
  args: Pick<ExecutionArgs, 'document' | 'variableValues' | 'operationName' | 'contextValue'>,
): Promise<ExecutionResult> {
  const response = await apollo.executeOperation(
    {
      query: print(args.document),
      variables: (args.variableValues ?? {}) as Record<string, unknown>,
      ...(args.operationName ? { operationName: args.operationName } : {}),
    },
    { contextValue: (args.contextValue ?? {}) as BaseContext },
  );
  if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
  return { errors: [new GraphQLError('incremental delivery is not supported here')] };
}
