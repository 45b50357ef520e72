import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import Negotiator from 'negotiator';
import { ErrorCode } from './errors.ts';

/**
 * Serves an Apollo Server over plain `node:http`, without a framework: the body is read with a
 * size limit, JSON is parsed here so a malformed body gets a GraphQL-shaped 400, and Apollo's
 * response (complete or incremental) is written back.
 */
export interface GraphQLHandlerOptions<C extends BaseContext> {
  server: ApolloServer<C>;
  /**
   * Builds the request's context before Apollo runs; a GraphQLError thrown here (a refused
   * token, a limit) is answered directly with its `extensions.http.status` and code.
   */
  context: (req: IncomingMessage, body: GraphQLRequestBody) => Promise<C>;
  maxBodyBytes: number;
  /**
   * Operations Apollo Server does not run over HTTP (subscriptions, on a streaming transport):
   * called once the context is built; true when it answered the request itself.
   */
  stream?: (
    req: IncomingMessage,
    res: ServerResponse,
    request: GraphQLRequestBody,
    context: C,
  ) => Promise<boolean>;
  /** Told about every request once answered: for logs, request counters and latency histograms. */
  observe?: (request: {
    requestId: string;
    operationName: string;
    status: number;
    seconds: number;
  }) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A GraphQL-over-HTTP request's fields, from the JSON body or a GET's query string. */
export interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export function createGraphQLHandler<C extends BaseContext>(
  options: GraphQLHandlerOptions<C>,
): RequestHandler {
  const { server, context, maxBodyBytes, observe, stream } = options;
  return async (req, res) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    let operationName = 'unknown';
    if (observe) {
      res.once('finish', () =>
        observe({
          requestId,
          operationName,
          status: res.statusCode,
          seconds: (performance.now() - started) / 1000,
        }),
      );
    }
    const raw = await readBody(req, maxBodyBytes);
    if (raw === 'too-large') {
      return sendGraphQLError(
        req,
        res,
        413,
        ErrorCode.BODY_TOO_LARGE,
        `body exceeds ${maxBodyBytes} bytes`,
      );
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
        return sendGraphQLError(req, res, 400, ErrorCode.BAD_REQUEST, 'body is not valid JSON');
      }
    }
    operationName = operationLabel(body);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fields = requestFields(req.method, body, url);
    let contextValue: C;
    try {
      contextValue = await context(req, fields);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const http = error.extensions.http as { status?: number } | undefined;
      return sendGraphQLError(
        req,
        res,
        http?.status ?? 400,
        String(error.extensions.code),
        error.message,
      );
    }
    if (stream && (await stream(req, res, fields, contextValue))) return;
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => contextValue,
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

/**
 * The caller's `x-request-id` when it is a sane token, else a new one; written back onto the
 * request's headers so everything downstream (context, data sources) reads one value.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

function requestFields(method: string | undefined, body: unknown, url: URL): GraphQLRequestBody {
  if (method === 'GET') {
    const json = (name: string) => {
      const value = url.searchParams.get(name);
      try {
        return value === null ? undefined : JSON.parse(value);
      } catch {
        return undefined;
      }
    };
    return {
      query: url.searchParams.get('query') ?? undefined,
      operationName: url.searchParams.get('operationName') ?? undefined,
      variables: json('variables'),
      extensions: json('extensions'),
    };
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as GraphQLRequestBody)
    : {};
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The media type of a GraphQL response this client accepts, as the GraphQL-over-HTTP spec has
 * it: `application/graphql-response+json` when asked for (Apollo Client, urql), else the legacy
 * `application/json`.
 */
export function responseMediaType(req: IncomingMessage): string {
  if (!req.headers.accept) return 'application/json';
  return (
    // Listed first, the legacy type wins for `*/*`; an explicit preference decides otherwise.
    new Negotiator(req).mediaType(['application/json', 'application/graphql-response+json']) ??
    'application/json'
  );
}

/**
 * A GraphQL response of the server's own (a refused token, a limit, a bad body), in the media
 * type the client accepts; a 401 says how to authenticate (RFC 6750).
 */
export function sendGraphQLError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  const headers: Record<string, string> = {
    'content-type': `${responseMediaType(req)}; charset=utf-8`,
  };
  if (status === 401) {
    headers['www-authenticate'] = req.headers.authorization
      ? `Bearer realm="graphql", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
      : 'Bearer realm="graphql"';
  }
  res.writeHead(status, headers);
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
