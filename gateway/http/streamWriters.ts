import type { ServerResponse } from 'node:http';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';

/**
 * The two HTTP streaming formats a subscription can be delivered in. Each writes the response's
 * head at once (so the client knows the subscription was accepted), then results, heartbeats
 * that keep proxies and the client's idle timers from cutting a quiet stream, and the end.
 */
export interface StreamWriter {
  next(result: ExecutionResult): void;
  /** The stream ends for a reason of the transport's (a token that expired): a fatal error. */
  fail(errors: readonly GraphQLFormattedError[]): void;
  heartbeat(): void;
  end(): void;
}

export type StreamFormat = 'sse' | 'multipart';

/**
 * The graphql-sse protocol's "distinct connections" mode (the graphql-sse client's default):
 * `next` events carrying results, one `complete` event at the end. Each event that has a
 * position carries it as the SSE `id`, so a browser's EventSource resumes from it on its own
 * (it sends it back as `Last-Event-ID`).
 */
export function eventStreamWriter(res: ServerResponse): StreamWriter {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  // A first comment, so the client and any proxy see the stream open before the first event.
  res.write(':\n\n');
  const event = (name: string, data: string, id?: unknown) =>
    res.write(`event: ${name}\n${typeof id === 'string' ? `id: ${id}\n` : ''}data: ${data}\n\n`);
  return {
    next: (result) => event('next', JSON.stringify(result), result.extensions?.eventId),
    fail: (errors) => {
      event('next', JSON.stringify({ errors }));
      event('complete', '');
      res.end();
    },
    heartbeat: () => res.write(':\n\n'),
    end: () => {
      event('complete', '');
      res.end();
    },
  };
}

/**
 * Apollo's multipart HTTP subscription protocol (`subscriptionSpec=1.0`, the transport of
 * Apollo Client's HttpLink, Apollo iOS and Apollo Kotlin): each part a JSON object, results as
 * `{"payload": result}`, heartbeats as `{}`, a fatal transport error as
 * `{"payload": null, "errors": [...]}`.
 */
export function multipartWriter(res: ServerResponse): StreamWriter {
  const { part, end } = multipartBody(
    res,
    'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
  );
  // The first heartbeat tells the client at once that the subscription was accepted.
  part('{}');
  return {
    next: (result) => part(`{"payload":${JSON.stringify(result)}}`),
    fail: (errors) => {
      part(JSON.stringify({ payload: null, errors }));
      end();
    },
    heartbeat: () => part('{}'),
    end,
  };
}

/**
 * A multipart/mixed body with boundary `graphql` and JSON parts. Each part ends with the
 * boundary, so a client parses it as soon as it arrives rather than when the next one begins.
 */
function multipartBody(res: ServerResponse, contentType: string) {
  res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('\r\n--graphql');
  return {
    part: (json: string) =>
      res.write(`\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n--graphql`),
    end: () => res.end('--\r\n'),
  };
}

/**
 * Incremental delivery of a query with `@defer` (multipart/mixed, `deferSpec=20220824`, what
 * Apollo Client's Defer20220824Handler and urql read): the initial result, then each deferred
 * part as an `incremental` payload, the last one with `hasNext: false`.
 */
export function incrementalWriter(res: ServerResponse): {
  part(payload: Record<string, unknown>): void;
  end(): void;
} {
  const { part, end } = multipartBody(res, 'multipart/mixed;boundary="graphql";deferSpec=20220824');
  return { part: (payload) => part(JSON.stringify(payload)), end };
}
