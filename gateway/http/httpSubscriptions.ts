import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import { ErrorCode } from '../../platform/errors.ts';
import { type GraphQLRequestBody, isRecord, sendGraphQLError } from '../../platform/graphqlHttp.ts';
import type { GuardPassed } from '../requestGuard.ts';
import type {
  HttpSubscribeRequest,
  SubscriptionServer,
} from '../subscriptions/subscriptionServer.ts';
import {
  eventStreamWriter,
  multipartWriter,
  type StreamFormat,
  type StreamWriter,
} from './streamWriters.ts';

/**
 * Subscriptions over plain HTTP, for clients that do not speak graphql-ws: SSE (graphql-sse's
 * protocol, `Accept: text/event-stream`) and Apollo's multipart protocol
 * (`Accept: multipart/mixed;subscriptionSpec=1.0`). Both join the same fan-out as graphql-ws,
 * after the same request guard (token, limits, field rules), and resume the same way
 * (`extensions.lastEventId`, or SSE's `Last-Event-ID`). A subscription sent without either is
 * refused with 406 SUBSCRIPTION_TRANSPORT_REQUIRED rather than reaching Apollo Server.
 */
export interface HttpSubscriptionOptions {
  subscriptions: SubscriptionServer;
  /** Quiet streams get a heartbeat this often (Apollo's protocol: at most 5 s apart). */
  heartbeatMs?: number | undefined;
  /** Streams one client address may hold at once (as graphql-ws sockets). */
  maxStreamsPerClient?: number | undefined;
}

export const defaultHeartbeatMs = 5_000;

/** Which streaming format the client asked for, if any. */
export function streamFormatOf(accept: string | undefined): StreamFormat | undefined {
  if (!accept) return undefined;
  const types = new Negotiator({ headers: { accept } }).mediaTypes();
  if (/multipart\/mixed[^,]*subscriptionSpec/i.test(accept)) return 'multipart';
  if (types.includes('text/event-stream')) return 'sse';
  return undefined;
}

/** A client that wants an event stream even for a query (graphql-sse's client sends only that). */
function prefersEventStream(accept: string | undefined): boolean {
  return (
    new Negotiator({ headers: { accept: accept ?? '' } }).mediaType([
      'application/graphql-response+json',
      'application/json',
      'text/event-stream',
    ]) === 'text/event-stream'
  );
}

export function httpSubscriptions(options: HttpSubscriptionOptions) {
  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
  const maxPerClient = options.maxStreamsPerClient ?? 1000;
  const perAddress = new Map<string, number>();

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    body: GraphQLRequestBody,
    passed: GuardPassed,
  ): Promise<boolean> => {
    const accept = req.headers.accept;
    const format = streamFormatOf(accept);
    const isSubscription = passed.operationType === 'subscription';
    if (!isSubscription && !(format === 'sse' && prefersEventStream(accept))) return false;
    if (!format) {
      sendGraphQLError(
        req,
        res,
        406,
        ErrorCode.SUBSCRIPTION_TRANSPORT_REQUIRED,
        'a subscription needs a streaming transport: graphql-ws, SSE (Accept: text/event-stream) or multipart (Accept: multipart/mixed;subscriptionSpec=1.0)',
      );
      return true;
    }
    if (typeof body.query !== 'string') return false;
    const address = req.socket.remoteAddress ?? 'unknown';
    const held = perAddress.get(address) ?? 0;
    if (held >= maxPerClient) {
      sendGraphQLError(
        req,
        res,
        429,
        ErrorCode.CONNECTION_LIMIT_EXCEEDED,
        `this client already holds ${maxPerClient} subscription streams`,
      );
      return true;
    }
    const request: HttpSubscribeRequest = {
      query: body.query,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      variables: isRecord(body.variables) ? body.variables : undefined,
      extensions: resumeExtensions(body.extensions, req.headers['last-event-id']),
      identity: passed.identity,
    };
    const writer = format === 'sse' ? eventStreamWriter(res) : multipartWriter(res);
    if (!isSubscription) {
      writer.next(await options.subscriptions.execute(request));
      writer.end();
      return true;
    }
    const opened = options.subscriptions.open(request);
    if ('errors' in opened) {
      writer.next({ errors: opened.errors as GraphQLError[] });
      writer.end();
      return true;
    }
    perAddress.set(address, held + 1);
    await pump(opened, writer, res, heartbeatMs, passed.expiresAt);
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left === 0) perAddress.delete(address);
    else perAddress.set(address, left);
    return true;
  };
}

/** Results until the subscription ends, the client goes, or its token expires. */
async function pump(
  results: AsyncIterableIterator<ExecutionResult>,
  writer: StreamWriter,
  res: ServerResponse,
  heartbeatMs: number,
  expiresAt: number | undefined,
): Promise<void> {
  let ended = false;
  const stop = (last?: readonly GraphQLFormattedError[]) => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    if (last) writer.fail(last);
    void results.return?.();
  };
  const heartbeat = setInterval(() => writer.heartbeat(), heartbeatMs);
  const expiry =
    expiresAt === undefined
      ? undefined
      : setTimeout(
          () =>
            stop([{ message: 'token expired', extensions: { code: ErrorCode.UNAUTHENTICATED } }]),
          Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1),
        );
  res.once('close', () => stop());
  for await (const result of results) {
    if (ended) break;
    writer.next(result);
  }
  if (!ended) {
    stop();
    writer.end();
  }
}

/** The request's extensions, with an EventSource's `Last-Event-ID` as the resume point. */
function resumeExtensions(
  extensions: unknown,
  lastEventIdHeader: string | string[] | undefined,
): Record<string, unknown> | undefined {
  const given = isRecord(extensions) ? extensions : undefined;
  if (typeof lastEventIdHeader !== 'string' || lastEventIdHeader === '') return given;
  return { lastEventId: lastEventIdHeader, ...given };
}
