import type { Server } from 'node:http';
import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  parse,
  print,
  validate,
} from 'graphql';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Counters } from '../../platform/counters.ts';
import { type Identity, signIdentity } from '../../platform/gatewayTrust.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { RequestGuard } from '../requestGuard.ts';
import {
  createFederatedSubscriptions,
  type FederatedSubscriptions,
} from './federatedSubscriptions.ts';
import { startHeartbeat } from './heartbeat.ts';
import { nextPayload, spliceSerializedPayloads } from './serializeOnce.ts';
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
  /** The API schema operations are validated against. */
  schema(): GraphQLSchema;
  /** Plans new subscriptions on a new supergraph; running ones stay while still valid. */
  updateSupergraph(supergraphSdl: string): void;
  close(): Promise<void>;
}

export interface SubscriptionServerOptions {
  http: Server;
  apollo: ApolloServer<BaseContext>;
  supergraphSdl: string;
  subgraphUrls: Record<string, string | undefined>;
  /** The data source queries use for a subgraph (pooled fetcher, identity, trace context). */
  buildService: (subgraph: { name: string; url: string }) => GraphQLDataSource;
  counters: Counters;
  /** Where subscription events' delivery lag is observed. */
  metrics: Pick<Metrics, 'observe'>;
  /**
   * Authentication on `connection_init` (`connectionParams.authorization`, as over HTTP) and the
   * request checks per subscription; absent: no authentication (benchmarks only).
   */
  auth?: { verifier: TokenVerifier; guard: () => RequestGuard } | undefined;
  /** Signs the caller's identity for the subgraphs (gatewayTrust.ts). */
  trustSecret?: string | undefined;
  /** Largest graphql-ws message accepted (default 64 KiB). */
  maxMessageBytes?: number | undefined;
  /** Most graphql-ws connections one client address may hold (default 1000). */
  maxConnectionsPerClient?: number | undefined;
  /** Most events one subscriber may have waiting (default 1000). */
  maxBacklog?: number | undefined;
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
      else socket.close(4403, 'token expired');
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

/** How often sockets are pinged unless configured (WS_PING_INTERVAL_MS). */
export const defaultPingIntervalMs = 30_000;

/** Who the gateway is when it opens a subgraph connection (each subscription says whom for). */
const gatewayIdentity: Identity = { subject: 'gateway', roles: [], locationIds: [], scopes: [] };

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  let planner = createSubscriptionPlanner(options.supergraphSdl);
  const urlOf = (name: string) => {
    const url = options.subgraphUrls[name] ?? planner.subgraphs.find((s) => s.name === name)?.url;
    if (!url) throw new GraphQLError(`unknown subgraph ${name}`);
    return url;
  };
  const { counters, trustSecret, auth } = options;
  const dataSourcesFor = (subgraphs: readonly { name: string }[]): ServiceMap =>
    Object.fromEntries(
      subgraphs.map(({ name }) => [name, options.buildService({ name, url: urlOf(name) })]),
    );
  let dataSources = dataSourcesFor(planner.subgraphs);
  const sockets = createSubgraphSockets(
    trustSecret ? { connectionParams: () => signIdentity(gatewayIdentity, trustSecret) } : {},
  );
  const subscriptions = createFederatedSubscriptions({
    planner: () => planner,
    dataSources: () => dataSources,
    subgraphUrl: urlOf,
    ...(trustSecret
      ? {
          signedIdentity: (context: Record<string, unknown>) =>
            context.identity ? signIdentity(context.identity as Identity, trustSecret) : {},
        }
      : {}),
    sockets,
    counters,
    metrics: options.metrics,
    maxBacklog: options.maxBacklog,
  });
  const identities = new WeakMap<object, Identity>();
  // Thousands of clients subscribe with the same few documents: each is parsed and validated
  // once, and one syntax tree is shared by all of them (memory per subscriber; the CPU of a
  // reconnect storm). Emptied when the supergraph changes.
  const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: 1_000 });
  const validDocument = (query: string): DocumentNode | readonly GraphQLError[] => {
    let document = documents.get(query);
    if (!document) {
      try {
        const parsed = parse(query);
        const errors = validate(planner.schema, parsed);
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
    if (open > maxPerAddress) socket.close(1008, 'too many connections from this client');
  });
  const pingIntervalMs = options.pingIntervalMs ?? defaultPingIntervalMs;
  const stopHeartbeat =
    pingIntervalMs > 0
      ? startHeartbeat(wss, pingIntervalMs, () => counters.increment('dead_sockets_terminated', {}))
      : () => {};
  const server = serveGraphQLWs(
    {
      schema: () => planner.schema,
      onConnect: async (ctx) => {
        if (!auth) return true;
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
        if (auth && identity) {
          const result = auth.guard().checkOperation(payload, identity);
          if ('error' in result) return [result.error];
        }
        // Returning the arguments skips graphql-ws's own parse and validation.
        const document = validDocument(payload.query);
        if (!('kind' in document)) return document;
        return {
          schema: planner.schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
        };
      },
      // A shared event's result is serialized once for all its subscribers.
      onNext: (ctx, id, _payload, _args, result) => nextPayload(ctx.extra.socket, id, result),
      // The resume point rides beside the identity, never inside what is signed for subgraphs.
      context: (ctx, _id, payload) => ({
        identity: identities.get(ctx),
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
      subscribe: (args) =>
        subscriptions.subscribe({
          document: args.document,
          operationName: args.operationName ?? undefined,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          context: (args.contextValue ?? {}) as Record<string, unknown>,
          scope: sharingScope((args.contextValue as { identity?: Identity } | undefined)?.identity),
          lastEventId: (args.contextValue as { lastEventId?: string } | undefined)?.lastEventId,
        }),
    },
    wss,
  );
  return {
    subscriptions,
    counters,
    schema: () => planner.schema,
    updateSupergraph(supergraphSdl) {
      planner = createSubscriptionPlanner(supergraphSdl);
      documents.clear();
      dataSources = dataSourcesFor(planner.subgraphs);
      subscriptions.revalidate((document) => validate(planner.schema, document).length === 0);
    },
    subgraphs: () => planner.subgraphs.map(({ name }) => ({ name, url: urlOf(name) })),
    async close() {
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
