import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';

/**
 * Serves an Apollo Server over plain `node:http`, without a framework: the body is read with a
 * size limit, JSON is parsed here so a malformed body gets a GraphQL-shaped 400, and Apollo's
 * response (complete or incremental) is written back.
 */
export interface GraphQLHandlerOptions<C extends BaseContext> {
  server: ApolloServer<C>;
  context: (req: IncomingMessage) => Promise<C>;
  maxBodyBytes: number;
  /** Told about every request once answered: for request counters and latency histograms. */
  observe?: (request: { operationName: string; status: number; seconds: number }) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createGraphQLHandler<C extends BaseContext>(
  options: GraphQLHandlerOptions<C>,
): RequestHandler {
  const { server, context, maxBodyBytes, observe } = options;
  return async (req, res) => {
    const started = performance.now();
    let operationName = 'unknown';
    if (observe) {
      res.once('finish', () =>
        observe({
          operationName,
          status: res.statusCode,
          seconds: (performance.now() - started) / 1000,
        }),
      );
    }
    const raw = await readBody(req, maxBodyBytes);
    if (raw === 'too-large') {
      return sendGraphQLError(res, 413, 'BODY_TOO_LARGE', `body exceeds ${maxBodyBytes} bytes`);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if (req.method === 'POST' && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        return sendGraphQLError(res, 400, 'BAD_REQUEST', 'body is not valid JSON');
      }
    }
    operationName = operationLabel(body);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/**
 * The operation name as a metrics label: the request's `operationName`, else the first named
 * operation in the document, else `anonymous`. Anything that is not a plain GraphQL name
 * becomes `invalid`, so clients cannot flood the metrics with arbitrary labels.
 */
function operationLabel(body: unknown): string {
  const request = (typeof body === 'object' && body !== null ? body : {}) as {
    operationName?: unknown;
    query?: unknown;
  };
  const named =
    typeof request.operationName === 'string' && request.operationName !== ''
      ? request.operationName
      : typeof request.query === 'string'
        ? /\b(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/.exec(request.query)?.[1]
        : undefined;
  if (named === undefined) return 'anonymous';
  return /^[_A-Za-z]\w{0,63}$/.test(named) ? named : 'invalid';
}

export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** The whole body as UTF-8, or 'too-large' once it passes the limit (the rest is discarded). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
