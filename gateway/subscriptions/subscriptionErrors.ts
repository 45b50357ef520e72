import { type ExecutionResult, GraphQLError } from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';

/** The results a federated subscription sends of its own, rather than resolving an event. */

/**
 * The one result a subscriber gets when it falls `backlog` events behind; it then completes. It
 * resumes by subscribing again with `extensions.lastEventId` (absent when it had received none).
 */
export function slowSubscriber(backlog: number, lastEventId: string | undefined): ExecutionResult {
  return {
    errors: [
      new GraphQLError(
        `this subscriber fell ${backlog} events behind; subscribe again with extensions.lastEventId to resume`,
        {
          extensions: { code: ErrorCode.SLOW_SUBSCRIBER, ...(lastEventId ? { lastEventId } : {}) },
        },
      ),
    ],
  };
}

export function supergraphChanged(): ExecutionResult {
  return {
    errors: [
      new GraphQLError('the supergraph changed and this operation is no longer valid', {
        extensions: { code: ErrorCode.SUPERGRAPH_CHANGED },
      }),
    ],
  };
}

/** The subgraphs' code (platform/errors.ts) for a resume point older than the kept history. */
export const historyExpiredCode = ErrorCode.HISTORY_EXPIRED;

/** The subgraph's HISTORY_EXPIRED, passed on with the position the client resumed from. */
export function historyExpired(message: string, lastEventId: string | undefined): ExecutionResult {
  return {
    errors: [new GraphQLError(message, { extensions: { code: historyExpiredCode, lastEventId } })],
  };
}

/** What the subgraph connection or a resolution threw, as an error a client can read. */
export function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (Array.isArray(error) && error[0]?.message) {
    return new GraphQLError(error[0].message, {
      extensions: { code: ErrorCode.SUBGRAPH_SUBSCRIPTION_ERROR },
    });
  }
  const message = error instanceof Error ? error.message : 'subgraph subscription failed';
  return new GraphQLError(message, { extensions: { code: ErrorCode.SUBGRAPH_SUBSCRIPTION_ERROR } });
}
