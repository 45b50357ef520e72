import type { Server } from 'node:http';
import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  parse,
  print,
  validate,
} from 'graphql';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Counters } from '../../platform/counters.ts';
import { CloseCode, ErrorCode, withoutSuggestions } from '../../platform/errors.ts';
import { type Identity, signIdentity } from '../../platform/gatewayTrust.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { RequestGuard } from '../requestGuard.ts';
import type { LoadedSupergraph } from '../supergraph/loadedSupergraph.ts';
import type { SupergraphOwner } from '../supergraph/supergraphOwner.ts';
import {
  createFederatedSubscriptions,
  type FederatedSubscriptions,
} from './federatedSubscriptions.ts';
import { startHeartbeat } from './heartbeat.ts';
import { nextPayload, spliceSerializedPayloads } from './serializeOnce.ts';
import { createSubgraphSockets } from './subgraphSockets.ts';

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
  close(): Promise<void>;
}

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
  /** Ping every socket this often, ending those that did not answer the last one (0: off). */
  pingIntervalMs?: number | undefined;
}

/**
 * A client's resume point: the last `extensions.eventId` it received, sent in the subscribe
 * message's `extensions.lastEventId` or, for a connection with one subscription, in
 * `connectionParams.lastEventId` (positions are per subscription's event stream).
 */
function lastEventIdOf(fields: unknown): string | undefined {
  const value = (fields as { lastEventId?: unknown } | undefined)?.lastEventId;
  return typeof value === 'string' && value ? value : undefined;
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
 * What a subscription's results depend on about its caller: roles, scopes and locations, not
 * who it is (no resolver reads the subject). Callers alike share one upstream subscription and
 * one resolution per event, which is what lets thousands of phones of one restaurant's staff
 * cost one; the upstream carries the first sharer's identity.
 */
function sharingScope(identity: Identity | undefined): string {
  if (!identity) return 'anonymous';
  const sorted = (values: readonly string[]) => [...values].sort();
  return JSON.stringify([
    sorted(identity.roles),
    sorted(identity.scopes),
    sorted(identity.locationIds),
  ]);
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
  });
  const identities = new WeakMap<object, Identity>();
  // Bounded: an entry only matters while someone may ask about a subscription just opened.
  const live = new LRUCache<string, Promise<void>>({ max: 10_000 });
  // Thousands of clients subscribe with the same few documents: each is parsed and validated
  // once, and one syntax tree is shared by all of them (memory per subscriber; the CPU of a
  // reconnect storm). Emptied when the supergraph changes.
  const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: 1_000 });
  const validDocument = (query: string): DocumentNode | readonly GraphQLError[] => {
    let document = documents.get(query);
    if (!document) {
      try {
        const parsed = parse(query);
        const errors = validate(supergraph.current().schema, parsed).map((error) =>
          hideSchemaDetails
            ? new GraphQLError(withoutSuggestions(error.message), { nodes: error.nodes ?? null })
            : error,
        );
        document = errors.length > 0 ? errors : parsed;
      } catch (error) {
        document = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      documents.set(query, document);
    }
    return document;
  };

  // A graphql-ws message is a subscribe or a ping: larger frames are refused (close 1009), and
  // one client address may hold only so many sockets (close 1008 past the limit).
  const wss = new WebSocketServer({
    server: options.http,
    path: '/graphql',
    maxPayload: options.maxMessageBytes ?? 64 * 1024,
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
        } catch {
          // graphql-ws closes with 4403 Forbidden: the client sees why at once.
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
        // Returning the arguments skips graphql-ws's own parse and validation.
        const document = validDocument(payload.query);
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
      }),
      execute: async (args): Promise<ExecutionResult> => {
        const response = await options.apollo.executeOperation(
          {
            query: print(args.document),
            variables: args.variableValues ?? {},
            ...(args.operationName ? { operationName: args.operationName } : {}),
          },
          { contextValue: (args.contextValue ?? {}) as BaseContext },
        );
        if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
        return {
          errors: [new GraphQLError('incremental delivery is not supported over graphql-ws')],
        };
      },
      subscribe: (args) => {
        const subscription = subscriptions.subscribe({
          document: args.document,
          operationName: args.operationName ?? undefined,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          context: (args.contextValue ?? {}) as Record<string, unknown>,
          scope: sharingScope((args.contextValue as { identity?: Identity } | undefined)?.identity),
          lastEventId: (args.contextValue as { lastEventId?: string } | undefined)?.lastEventId,
        });
        const { operationId } = (args.contextValue ?? {}) as { operationId?: string };
        if (operationId) live.set(operationId, subscription.live);
        return subscription;
      },
    },
    wss,
  );
  // A new version: documents are validated afresh, and running subscriptions it no longer
  // accepts end with SUPERGRAPH_CHANGED.
  const stopFollowing = supergraph.onLoaded((next) => {
    documents.clear();
    subscriptions.revalidate((document) => validate(next.schema, document).length === 0);
  });
  return {
    subscriptions,
    counters,
    whenLive: (operationId) => live.get(operationId),
    async close() {
      stopFollowing();
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
