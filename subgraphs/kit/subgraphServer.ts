import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { type ExecutionResult, GraphQLError, parse } from 'graphql';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode, maskInternalErrors } from '../../platform/errors.ts';
import { type Identity, verifyIdentity } from '../../platform/gatewayTrust.ts';
import { createGraphQLHandler, requestIdOf } from '../../platform/graphqlHttp.ts';
import { closeServer, listen, type Route, type ServiceHandle } from '../../platform/httpServer.ts';
import { createLogger } from '../../platform/logger.ts';
import { lastEventIdOf, sinceOf } from '../../platform/resumePoints.ts';
import { traceIncomingRequest } from '../../platform/spans.ts';
import { dateTimeScalar } from './dateTimeScalar.ts';
import { type EventCursor, eventExtensions } from './eventBus.ts';
import { staleDataPlugin, withRequestScope } from './requestScope.ts';

const asHeaders = (value: unknown): Record<string, string | undefined> =>
  typeof value === 'object' && value !== null ? (value as Record<string, string | undefined>) : {};

const announcesEstablished = (extensions: unknown): boolean =>
  (extensions as { announceEstablished?: unknown } | undefined)?.announceEstablished === true;

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The stream of a subscription that is already attached to the event bus (its resolver's
 * subscribe has run), behind a first result with no data that says so, with the position the
 * subscription resumes from if it is cut before its first event. Not an async generator:
 * a generator's `return()` waits while it awaits the next event, and the client that left
 * would hold its bus listener until then.
 */
function announced(
  source: AsyncIterable<ExecutionResult>,
  cursor: EventCursor | undefined,
): AsyncIterableIterator<ExecutionResult> {
  const events = source[Symbol.asyncIterator]();
  let said = false;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next() {
      if (said) return events.next();
      said = true;
      const start = cursor?.after ? { eventId: cursor.after } : {};
      return Promise.resolve({
        done: false,
        value: { extensions: { established: true, ...start } },
      });
    },
    return: async (value?: unknown) =>
      (await events.return?.(value)) ?? { done: true, value: undefined },
    throw: async (error?: unknown) => {
      if (events.throw) return events.throw(error);
      await events.return?.();
      throw error;
    },
  };
  return iterator;
}

/** The subgraph's SDL, from `schema/<name>.graphql` (SDL never lives in TypeScript). */
export async function readSubgraphSdl(name: string): Promise<string> {
  return readFile(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8');
}

export interface SubgraphServerOptions<C extends BaseContext> {
  name: string;
  resolvers: GraphQLResolverMap<C>;
  /** One request's (or subscription's) context, for the caller the gateway vouched for. */
  context: (identity: Identity) => Promise<C>;
  /** The secret shared with the gateway (gatewayTrust.ts): requests without its signature are refused. */
  trustSecret: string;
  host: string;
  port: number;
  /** More routes beside `/graphql` and `/healthz` (e.g. the webhook receiver). */
  routes?: Record<string, Route>;
  /** The time every vendor call of one request must end within (requestScope.ts). */
  requestBudgetMs: number;
}

/**
 * Serves one subgraph at `/graphql`: queries over HTTP, subscriptions over graphql-ws on the same
 * path (the gateway opens them). Returns once it listens.
 */
export async function startSubgraphServer<C extends BaseContext>(
  options: SubgraphServerOptions<C>,
): Promise<ServiceHandle> {
  const sdl = await readSubgraphSdl(options.name);
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    // buildSubgraphSchema types resolvers with an unknown context; ours is C throughout.
    resolvers: {
      ...(options.resolvers as GraphQLResolverMap<unknown>),
      // Every subgraph that declares the scalar validates it the same way.
      ...(/\bscalar DateTime\b/.test(sdl) ? { DateTime: dateTimeScalar } : {}),
    } as GraphQLResolverMap<unknown>,
  });
  const server = new ApolloServer<C>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: maskInternalErrors(process.env.NODE_ENV === 'production'),
    hideSchemaDetailsFromClientErrors: process.env.NODE_ENV === 'production',
    // Inline traces (ftv1) feed Apollo's cloud reporting, which this gateway does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), staleDataPlugin<C>()],
  });
  await server.start();
  const trusted = (headers: Record<string, string | string[] | undefined>, maxAgeMs?: number) => {
    const result = verifyIdentity(headers, options.trustSecret, maxAgeMs ? { maxAgeMs } : {});
    if (!result.ok) {
      throw new GraphQLError(`only the gateway may call this subgraph: ${result.reason}`, {
        extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
      });
    }
    return result.identity;
  };
  const logger = createLogger(options.name);
  const graphql = createGraphQLHandler({
    server,
    context: (req: IncomingMessage) => options.context(trusted(req.headers)),
    maxBodyBytes: 1024 * 1024,
    observe: ({ requestId, operationName, status, seconds }) =>
      logger.info({ requestId, operation: operationName, status, ms: Math.round(seconds * 1000) }),
  });
  // Each request's server span continues the gateway's trace (its `traceparent`).
  const graphqlRoute = { route: '/graphql', attributes: { 'subgraph.name': options.name } };
  const { server: http, origin } = await listen({
    host: options.host,
    port: options.port,
    routes: {
      '* /graphql': (req, res) =>
        traceIncomingRequest(req, res, graphqlRoute, () =>
          withRequestScope(options.requestBudgetMs, () => graphql(req, res), requestIdOf(req)),
        ),
      'GET /healthz': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', subgraph: options.name }));
      },
      ...options.routes,
    },
  });
  const sockets = new WebSocketServer({ server: http, path: '/graphql' });
  // The connection proves it is the gateway with a fresh signature; each subscription then
  // carries its caller's identity, signed, which stays valid while the connection lives.
  const subscriptions = serveGraphQLWs<Record<string, unknown>>(
    {
      schema,
      onConnect: (ctx) => {
        try {
          trusted(asHeaders(ctx.connectionParams));
          return true;
        } catch {
          return false;
        }
      },
      // Beside the signed identity, `extensions.lastEventId` resumes the subscription there
      // (eventBus.ts), and each result names its event's position in `extensions.eventId` and
      // the vendor's change time in `extensions.occurredAt`.
      context: async (_ctx, _id, payload) => ({
        ...(await options.context(
          trusted(asHeaders(payload.extensions), Number.POSITIVE_INFINITY),
        )),
        eventCursor: {
          after: lastEventIdOf(payload.extensions),
          since: sinceOf(payload.extensions),
        } satisfies EventCursor,
      }),
      // The gateway asks to be told when the subscription is live on the bus (graphql-ws has
      // no acknowledgement): once the resolver's stream exists, a first result says so.
      onOperation: (_ctx, _id, payload, args, result) =>
        announcesEstablished(payload.extensions) && isAsyncIterable(result)
          ? announced(result, (args.contextValue as { eventCursor?: EventCursor }).eventCursor)
          : undefined,
      onNext: (_ctx, _id, _payload, args, result) => {
        const event = eventExtensions(
          (args.contextValue as { eventCursor?: EventCursor }).eventCursor,
        );
        return event ? { ...result, extensions: { ...result.extensions, ...event } } : undefined;
      },
    },
    sockets,
  );
  return {
    url: `${origin}/graphql`,
    async close() {
      await subscriptions.dispose();
      await new Promise((resolve) => sockets.close(resolve));
      await closeServer(http);
      await server.stop();
    },
  };
}
