import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../platform/errors.ts';

/**
 * What the gateway adds to a data source so an upstream outage reads right in its response:
 *
 * - Subgraph response extensions: `@apollo/gateway` drops them. The data source's
 *   `didReceiveResponse` hook collects the ones clients need (`staleData`: cache entries served
 *   because a vendor was down, each tagged with its subgraph) into the request, keyed by the
 *   request's context object, and `subgraphExtensionsPlugin` adds them to the response.
 * - A subgraph that cannot be reached (down, restarting) fails only the fields it owns, with
 *   SUBGRAPH_UNAVAILABLE instead of the HTTP client's message.
 */
const forwardedExtensions = ['staleData'] as const;

const collected = new WeakMap<object, Record<string, unknown[]>>();

export function forwardSubgraphExtensions<D extends RemoteGraphQLDataSource>(
  subgraph: string,
  source: D,
): D {
  const received = source.didReceiveResponse?.bind(source);
  source.didReceiveResponse = async (requestContext) => {
    const bucket = collected.get(requestContext.context as object);
    const extensions = requestContext.response.extensions;
    for (const key of forwardedExtensions) {
      const value = extensions?.[key];
      if (!bucket || !Array.isArray(value)) continue;
      bucket[key] ??= [];
      bucket[key].push(...value.map((entry: object) => ({ subgraph, ...entry })));
    }
    return received ? received(requestContext) : requestContext.response;
  };
  const encountered = source.didEncounterError.bind(source);
  source.didEncounterError = (error, fetchRequest, fetchResponse, context, request) => {
    // A subgraph that refused the request (a 4xx with GraphQL errors, e.g. a variable it could
    // not coerce) said why: its first error is passed on as it is, with its code, rather than
    // "400: Bad Request" carrying the subgraph's URL.
    const refused = (
      error as { extensions?: { response?: { body?: { errors?: GraphQLFormattedError[] } } } }
    ).extensions?.response?.body?.errors?.[0];
    if (fetchResponse !== undefined && refused?.extensions?.code) {
      throw new GraphQLError(refused.message, {
        extensions: { ...refused.extensions, serviceName: subgraph },
      });
    }
    if (fetchResponse !== undefined)
      return encountered(error, fetchRequest, fetchResponse, context, request);
    throw new GraphQLError(`subgraph ${subgraph} is unavailable: ${error.message}`, {
      extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: subgraph },
    });
  };
  return source;
}

export function subgraphExtensionsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue }) {
      const bucket: Record<string, unknown[]> = {};
      collected.set(contextValue, bucket);
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || Object.keys(bucket).length === 0) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, ...bucket };
        },
      };
    },
  };
}
