import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { type ExecutionResult, GraphQLError, validate } from 'graphql';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Counters } from '../../platform/counters.ts';
import { CloseCode, ErrorCode, maskInternalErrors } from '../../platform/errors.ts';
import { type Identity, signIdentity } from '../../platform/gatewayTrust.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { lastEventIdOf, sinceOf } from '../../platform/resumePoints.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import { executeWithApollo } from '../federation.ts';
import type { RequestGuard } from '../requestGuard.ts';
import type { LoadedSupergraph } from '../supergraph/loadedSupergraph.ts';
import type { SupergraphOwner } from '../supergraph/supergraphOwner.ts';
import { createCallerLimits } from './callerLimits.ts';
import {
  createFederatedSubscriptions,
  type FederatedSubscriptions,
} from './federatedSubscriptions.ts';
import { startHeartbeat } from './heartbeat.ts';
import { nextPayload, spliceSerializedPayloads } from './serializeOnce.ts';
import { createSubgraphSockets } from './subgraphSockets.ts';
import { createSubscriptionDocuments, sharingScope } from './subscriptionRequests.ts';

/**
 * graphql-ws on the gateway's `/graphql` path (the same path as HTTP): subscriptions run as
 * federated subscriptions; queries and mutations sent over the socket go through Apollo
 * Server like HTTP ones. An invalid operation gets graphql-ws's error message at once.
 */
export interface SubscriptionServer {
  subscriptions: FederatedSubscriptions;
  counters: Counters;
  /**
   * For a graphql-ws operation id a client chose: resolves once its upstream subscription is
   * live at the subgraph (events published from then on reach it); undefined until the
   * subscribe message has been handled.
   */
  whenLive(operationId: string): Promise<void> | undefined;
  /**
   * For the HTTP transports (SSE, multipart): a caller's subscription, checked by the request
   * guard already, validated and joined to the same fan-out as graphql-ws's.
   */
  open(request: HttpSubscribeRequest): SubscriptionStream | { errors: readonly GraphQLError[] };
  /** Runs a query or mutation sent on a streaming transport, through Apollo Server. */
  execute(request: HttpSubscribeRequest): Promise<ExecutionResult>;
  close(): Promise<void>;
}

export interface HttpSubscribeRequest {
  query: string;
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  extensions?: Record<string, unknown> | undefined;
  identity: Identity;
}

export type SubscriptionStream = AsyncIterableIterator<ExecutionResult> & { live: Promise<void> };

export interface SubscriptionServerOptions {
  http: Server;
  apollo: ApolloServer<BaseContext>;
  /**
   * Plans, schema and subgraphs come from its current version; after a swap, running
   * subscriptions stay while the new schema still accepts them.
   */
  supergraph: SupergraphOwner;
  /** The data source queries use for a subgraph (pooled fetcher, identity, trace context). */
  buildService: (subgraph: { name: string; url: string }) => GraphQLDataSource;
  counters: Counters;
  /** Where subscription events' delivery lag is observed. */
  metrics: Pick<Metrics, 'observe'>;
  /**
   * Authentication on `connection_init` (`connectionParams.authorization`, as over HTTP) and the
   * request checks per subscription: a socket without a verified identity runs nothing.
   */
  auth: { verifier: TokenVerifier; guard: RequestGuard };
  /** Signs the caller's identity for the subgraphs (gatewayTrust.ts). */
  trustSecret: string;
  /** Largest graphql-ws message accepted (default 64 KiB). */
  maxMessageBytes?: number | undefined;
  /** Most graphql-ws connections one client address may hold (default 1000). */
  maxConnectionsPerClient?: number | undefined;
  /** Most events one subscriber may have waiting (default 1000). */
  maxBacklog?: number | undefined;
  /** Production: validation errors carry no "Did you mean" suggestions. */
  hideSchemaDetails?: boolean | undefined;
  /** Most subscriptions one socket may hold at once (default `defaultMaxSubscriptionsPerSocket`). */
  maxSubscriptionsPerSocket?: number | undefined;
  /** Most subscriptions one caller may hold over every socket and stream (callerLimits.ts). */
  maxSubscriptionsPerCaller?: number | undefined;
  /** Ping every socket this often, ending those that did not answer the last one (0: off). */
  pingIntervalMs?: number | undefined;
  /** Tries again for an event whose resolution failed transiently (eventResolution.ts). */
  resolutionRetries?: number | undefined;
  /** Whether a browser on this `Origin` may open a socket (default: any). */
  allowsOrigin?: ((origin: string | undefined, host: string | undefined) => boolean) | undefined;
}

/**
 * A socket's credential is checked once, on `connection_init`; it must not keep receiving
 * events after the token expires. The socket is closed then with 4403 and `token expired`, and
 * the client reconnects with a fresh token (resuming with `lastEventId`).
 */
function closeWhenExpired(socket: WebSocket, expiresAt: number): void {
  // setTimeout holds at most 2^31-1 ms (about 24.8 days); a longer token is re-armed then.
  const wait = Math.min(expiresAt - Date.now(), 2 ** 31 - 1);
  const timer = setTimeout(
    () => {
      if (Date.now() < expiresAt) closeWhenExpired(socket, expiresAt);
      else socket.close(CloseCode.Forbidden, 'token expired');
    },
    Math.max(0, wait),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Subscriptions one socket may hold, unless configured (WS_MAX_SUBSCRIPTIONS_PER_SOCKET): each
 * distinct one costs an upstream subscription at a subgraph, so one socket must not open
 * thousands. A kitchen display needs a handful.
 */
export const defaultMaxSubscriptionsPerSocket = 100;

/** How often sockets are pinged unless configured (WS_PING_INTERVAL_MS). */
export const defaultPingIntervalMs = 30_000;

/** Who the gateway is when it opens a subgraph connection (each subscription says whom for). */
const gatewayIdentity: Identity = { subject: 'gateway', roles: [], locationIds: [], scopes: [] };

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { counters, trustSecret, auth, supergraph } = options;
  const hideSchemaDetails = options.hideSchemaDetails ?? false;
  const urlOf = (name: string) => {
    const url = supergraph.current().subgraphs.find((s) => s.name === name)?.url;
    if (!url) throw new GraphQLError(`unknown subgraph ${name}`);
    return url;
  };
  // The entity fetches' data sources, built once per supergraph version.
  const dataSources = new WeakMap<LoadedSupergraph, ServiceMap>();
  const dataSourcesOf = (loaded: LoadedSupergraph): ServiceMap => {
    let map = dataSources.get(loaded);
    if (!map) {
      map = Object.fromEntries(
        loaded.subgraphs.map((subgraph) => [subgraph.name, options.buildService(subgraph)]),
      );
      dataSources.set(loaded, map);
    }
    return map;
  };
  const sockets = createSubgraphSockets({
    connectionParams: () => signIdentity(gatewayIdentity, trustSecret),
  });
  const subscriptions = createFederatedSubscriptions({
    planner: () => supergraph.current().planner,
    dataSources: () => dataSourcesOf(supergraph.current()),
    subgraphUrl: urlOf,
    signedIdentity: (context: Record<string, unknown>) =>
      context.identity ? signIdentity(context.identity as Identity, trustSecret) : {},
    sockets,
    counters,
    metrics: options.metrics,
    maxBacklog: options.maxBacklog,
    resolutionRetries: options.resolutionRetries,
    ...(hideSchemaDetails ? { formatError: maskInternalErrors(true) } : {}),
  });
  const identities = new WeakMap<object, Identity>();
  // Bounded: an entry only matters while someone may ask about a subscription just opened.
  const live = new LRUCache<string, Promise<void>>({ max: 10_000 });
  const documents = createSubscriptionDocuments(supergraph, hideSchemaDetails);

  // A graphql-ws message is a subscribe or a ping: larger frames are refused (close 1009), and
  // one client address may hold only so many sockets (close 1008 past the limit).
  // A browser page may open a socket only from an origin the gateway allows (cors.ts).
  const allowsOrigin = options.allowsOrigin ?? (() => true);
  const wss = new WebSocketServer({
    server: options.http,
    path: '/graphql',
    maxPayload: options.maxMessageBytes ?? 64 * 1024,
    verifyClient: ({ origin, req }: { origin: string | undefined; req: IncomingMessage }) =>
      allowsOrigin(origin || undefined, req.headers.host),
  });
  const perAddress = new Map<string, number>();
  const maxPerAddress = options.maxConnectionsPerClient ?? 1000;
  wss.on('connection', (socket, request) => {
    spliceSerializedPayloads(socket);
    const address = request.socket.remoteAddress ?? 'unknown';
    const open = (perAddress.get(address) ?? 0) + 1;
    perAddress.set(address, open);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    if (open > maxPerAddress)
      socket.close(CloseCode.PolicyViolation, 'too many connections from this client');
  });
  const pingIntervalMs = options.pingIntervalMs ?? defaultPingIntervalMs;
  const maxSubscriptionsPerSocket =
    options.maxSubscriptionsPerSocket ?? defaultMaxSubscriptionsPerSocket;
  const callers = createCallerLimits(options.maxSubscriptionsPerCaller);
  const stopHeartbeat =
    pingIntervalMs > 0
      ? startHeartbeat(wss, pingIntervalMs, () => counters.increment('dead_sockets_terminated', {}))
      : () => {};
  const server = serveGraphQLWs(
    {
      schema: () => supergraph.current().schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        try {
          const { identity, expiresAt } = await auth.verifier.verifyUntil(
            typeof authorization === 'string' ? authorization : undefined,
          );
          identities.set(ctx, identity);
          if (expiresAt !== undefined) closeWhenExpired(ctx.extra.socket, expiresAt);
          return true;
        } catch (error) {
          // 4403 with the reason in words ("token expired", "invalid token"), where graphql-ws
          // alone would say "Forbidden"; its own close after this one is not sent.
          const reason = error instanceof GraphQLError ? error.message : 'forbidden';
          ctx.extra.socket.close(CloseCode.Forbidden, reason);
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const identity = identities.get(ctx);
        // onConnect refused every socket without one; a missing identity here is a bug, refused.
        if (!identity)
          return [
            new GraphQLError('unauthenticated', {
              extensions: { code: ErrorCode.UNAUTHENTICATED },
            }),
          ];
        const result = auth.guard.checkOperation(payload, identity);
        if ('error' in result) return [result.error];
        // graphql-ws lists this subscription among the socket's before asking.
        const held = Object.keys(ctx.subscriptions).length;
        if (held > maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(
              `this socket already holds ${maxSubscriptionsPerSocket} subscriptions; complete one first`,
              { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED } },
            ),
          ];
        }
        const overCaller = callers.refusal(identity.subject);
        if (overCaller) return [overCaller];
        // Returning the arguments skips graphql-ws's own parse and validation.
        const document = documents.valid(payload.query);
        if (!('kind' in document)) return document;
        return {
          schema: supergraph.current().schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
        };
      },
      // A shared event's result is serialized once for all its subscribers.
      onNext: (ctx, id, _payload, _args, result) => nextPayload(ctx.extra.socket, id, result),
      // The resume point rides beside the identity, never inside what is signed for subgraphs.
      context: (ctx, id, payload) => ({
        identity: identities.get(ctx),
        operationId: id,
        lastEventId: lastEventIdOf(payload.extensions) ?? lastEventIdOf(ctx.connectionParams),
        since: sinceOf(payload.extensions) ?? sinceOf(ctx.connectionParams),
      }),
      execute: (args) => executeWithApollo(options.apollo, args),
      subscribe: (args) => {
        const subscription = subscriptions.subscribe({
          document: args.document,
          operationName: args.operationName ?? undefined,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          context: (args.contextValue ?? {}) as Record<string, unknown>,
          scope: sharingScope((args.contextValue as { identity?: Identity } | undefined)?.identity),
          lastEventId: (args.contextValue as { lastEventId?: string } | undefined)?.lastEventId,
          since: (args.contextValue as { since?: number } | undefined)?.since,
        });
        const { operationId, identity } = (args.contextValue ?? {}) as {
          operationId?: string;
          identity?: Identity;
        };
        if (operationId) live.set(operationId, subscription.live);
        return identity ? callers.hold(identity.subject, subscription) : subscription;
      },
    },
    wss,
  );
  // A new version: documents are validated afresh, and running subscriptions it no longer
  // accepts end with SUPERGRAPH_CHANGED.
  const stopFollowing = supergraph.onLoaded((next) => {
    subscriptions.revalidate((document) => validate(next.schema, document).length === 0);
  });
  return {
    subscriptions,
    counters,
    whenLive: (operationId) => live.get(operationId),
    open(request) {
      const overCaller = callers.refusal(request.identity.subject);
      if (overCaller) return { errors: [overCaller] };
      const document = documents.valid(request.query);
      if (!('kind' in document)) return { errors: document };
      const subscription = subscriptions.subscribe({
        document,
        operationName: request.operationName,
        variables: request.variables ?? {},
        context: { identity: request.identity },
        scope: sharingScope(request.identity),
        lastEventId: lastEventIdOf(request.extensions),
        since: sinceOf(request.extensions),
      });
      return callers.hold(request.identity.subject, subscription);
    },
    async execute(request) {
      const document = documents.valid(request.query);
      if (!('kind' in document)) return { errors: document };
      return executeWithApollo(options.apollo, {
        document,
        variableValues: request.variables ?? {},
        operationName: request.operationName,
        contextValue: { identity: request.identity },
      });
    },
    async close() {
      stopFollowing();
      documents.stop();
      stopHeartbeat();
      // Sockets first, with 1001: a client reconnects and subscribes again (elsewhere), where a
      // `complete` would tell it the subscription is over for good.
      await server.dispose();
      subscriptions.close();
      await new Promise((resolve) => wss.close(resolve));
      await sockets.close();
    },
  };
}
