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
  /** No valid bearer token (gateway), or no valid gateway signature (subgraph): 401. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's scopes do not cover a field's `@requiresScopes` / `@authenticated`: 403. */
  FORBIDDEN: 'FORBIDDEN',
  /** Introspection by a caller the `INTROSPECTION` setting leaves out: 403. */
  INTROSPECTION_DISABLED: 'INTROSPECTION_DISABLED',
  /** An unknown `operationName`, or several operations and none named: 400. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** A hash-only persisted query the gateway does not know: the client sends the document. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** A persisted query whose document does not hash to the hash sent with it: 400. */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** Safelist mode, and the document is not on it: 400. */
  PERSISTED_QUERY_NOT_IN_SAFELIST: 'PERSISTED_QUERY_NOT_IN_SAFELIST',
  DEPTH_LIMIT_EXCEEDED: 'DEPTH_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED: 'ALIAS_LIMIT_EXCEEDED',
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  /** The request body is larger than `MAX_BODY_BYTES`: 413. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** The request body is not a GraphQL request (e.g. not JSON): 400. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A browser page on an origin `CORS_ORIGINS` does not list, or headers it may not send: 403. */
  CORS_ORIGIN_NOT_ALLOWED: 'CORS_ORIGIN_NOT_ALLOWED',
  /**
   * A subscription over plain HTTP from a client that accepts no streaming response: 406. It
   * subscribes over graphql-ws, SSE (`Accept: text/event-stream`) or multipart HTTP
   * (`Accept: multipart/mixed;subscriptionSpec=1.0`).
   */
  SUBSCRIPTION_TRANSPORT_REQUIRED: 'SUBSCRIPTION_TRANSPORT_REQUIRED',
  /** More `@defer` fragments in one operation than the gateway runs (each is a query): 400. */
  DEFER_LIMIT_EXCEEDED: 'DEFER_LIMIT_EXCEEDED',
  /** A client address already holds as many subscription streams (HTTP) as it may: 429. */
  CONNECTION_LIMIT_EXCEEDED: 'CONNECTION_LIMIT_EXCEEDED',
  /** A socket already holds `WS_MAX_SUBSCRIPTIONS_PER_SOCKET` subscriptions. */
  SUBSCRIPTION_LIMIT_EXCEEDED: 'SUBSCRIPTION_LIMIT_EXCEEDED',
  /** A subscriber fell `SUBSCRIPTION_MAX_BACKLOG` events behind and was let go. */
  SLOW_SUBSCRIBER: 'SLOW_SUBSCRIBER',
  /** The supergraph changed and a running subscription's operation is no longer valid. */
  SUPERGRAPH_CHANGED: 'SUPERGRAPH_CHANGED',
  /** No supergraph is loaded (before start, after stop): 503. */
  SUPERGRAPH_NOT_LOADED: 'SUPERGRAPH_NOT_LOADED',
  /** The subscription at the owning subgraph failed. */
  SUBGRAPH_SUBSCRIPTION_ERROR: 'SUBGRAPH_SUBSCRIPTION_ERROR',
  /** Anything unexpected; in production its message is masked. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Every WebSocket close code this system sends: the standard ones (RFC 6455) and graphql-ws's
 * (its `CloseCode`, 44xx), named once.
 */
export const CloseCode = {
  /** The gateway is shutting down: reconnect (elsewhere) and resubscribe. */
  GoingAway: 1001,
  /** Too many sockets from one client address. */
  PolicyViolation: 1008,
  /** A message over `WS_MAX_MESSAGE_BYTES`. */
  MessageTooBig: 1009,
  /** graphql-ws: `connection_init` refused (no or invalid token), or the token expired. */
  Forbidden: 4403,
} as const;

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

/** What a client reads in production for a failure of a vendor or subgraph, by code. */
const outageWords: Partial<Record<string, string>> = {
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 'vendor API is unavailable',
  [ErrorCode.UPSTREAM_TIMEOUT]: 'vendor API did not answer in time',
  [ErrorCode.UPSTREAM_RATE_LIMITED]: 'vendor API rate limit reached; try again shortly',
  [ErrorCode.UPSTREAM_BAD_RESPONSE]: 'vendor API refused the call',
  [ErrorCode.SUBGRAPH_UNAVAILABLE]: 'is unavailable',
};

/**
 * Apollo Server's `formatError` for production: an unexpected error (code INTERNAL_SERVER_ERROR)
 * reaches the client as a bare "Internal server error", never with its message, which could
 * name internals or data. A vendor's or subgraph's failure keeps its code and which upstream
 * or subgraph it was, but not the internal address, the vendor's endpoint path or its own
 * words (`inventory: vendor API is unavailable`). Every other classified error keeps its
 * message and code.
 */
export function maskInternalErrors(production: boolean) {
  return (formatted: { message: string; extensions?: Record<string, unknown> }) => {
    if (!production) return formatted;
    const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
    if (code === ErrorCode.INTERNAL_SERVER_ERROR) {
      return { message: 'Internal server error', extensions: { code } };
    }
    const words = outageWords[code];
    if (!words) return formatted;
    const {
      endpoint: _endpoint,
      status: _status,
      vendorCode: _vendor,
      ...kept
    } = formatted.extensions ?? {};
    const who = String(kept.upstream ?? kept.serviceName ?? 'upstream');
    return {
      ...formatted,
      message:
        code === ErrorCode.SUBGRAPH_UNAVAILABLE ? `subgraph ${who} ${words}` : `${who}: ${words}`,
      extensions: kept,
    };
  };
}

/**
 * A validation message without its "Did you mean …?" tail: in production the schema is not
 * spelled out to callers who guess at it (as Apollo Server's `hideSchemaDetailsFromClientErrors`
 * does for HTTP; graphql-ws validation goes through here).
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}
