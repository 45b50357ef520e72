import { GraphQLError } from 'graphql';

/** Every `extensions.code` this system puts on a GraphQL error, in one place. */
export const ErrorCode = {
  /**
   * The vendor API answered 5xx, refused or dropped the connection, or its circuit breaker is
   * open after too many such failures (then no call was made).
   */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /**
   * The vendor API answered 429 RATE_LIMITED, or the client-side quota had no call left within
   * the request budget (then no call was made).
   */
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  /** The vendor API did not answer within the call's timeout or the request's budget. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The vendor API rejected the call (4xx other than 404/429) or sent something unreadable. */
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  /** The id names nothing the caller may see. */
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The gateway got no answer from a subgraph (down, restarting, connection cut). */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /**
   * A resuming subscription's last event id is older than the kept history (or unknown to it):
   * events may have been missed, so the client refetches and subscribes afresh.
   */
  HISTORY_EXPIRED: 'HISTORY_EXPIRED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function notFound(kind: string, id: string): GraphQLError {
  return new GraphQLError(`${kind} not found: ${id}`, {
    extensions: { code: ErrorCode.NOT_FOUND, kind, id },
  });
}

export function historyExpired(lastEventId: string): GraphQLError {
  return new GraphQLError(
    `events after ${lastEventId} are no longer kept: refetch, then subscribe`,
    {
      extensions: { code: ErrorCode.HISTORY_EXPIRED, lastEventId },
    },
  );
}

export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

/** Root lookups by id answer null for an id the vendor does not know, like the REST API's 404. */
export async function orNull<V>(load: Promise<V>): Promise<V | null> {
  try {
    return await load;
  } catch (error) {
    if ((error as { extensions?: { code?: string } }).extensions?.code === ErrorCode.NOT_FOUND) {
      return null;
    }
    throw error;
  }
}

/**
 * Apollo Server's `formatError` for production: an unexpected error (code INTERNAL_SERVER_ERROR)
 * reaches the client as a bare "Internal server error", never with its message, which could
 * name internals or data; every classified error keeps its message and code.
 */
export function maskInternalErrors(production: boolean) {
  return (formatted: { message: string; extensions?: Record<string, unknown> }) =>
    production &&
    (formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR') === 'INTERNAL_SERVER_ERROR'
      ? { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }
      : formatted;
}
