/**
 * The plumbing every emulator shares: a route table (`/v2/orders/{order_id}`), Bearer auth,
 * JSON bodies, Square's error envelope, an optional fixed latency, fault switches (faults.ts)
 * and the call log. Admin routes (`GET /__admin/calls` by endpoint, `GET /__admin/calls/statuses`
 * by answer status, `POST /__admin/calls/reset`, `GET|POST|DELETE /__admin/faults`) need no
 * token and are not logged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CallLog, createCallLog } from './call-log.ts';
import { createFaultSwitches, type FaultRule, type FaultSwitches } from './faults.ts';
import { serveFaultsAdmin } from './faultsAdmin.ts';
import { compileRoutes, matchRoute, type Route } from './router.ts';
import { SquareApiError, squareError } from './square-errors.ts';
import type { World } from './world.ts';

export type { Route, RouteRequest } from './router.ts';

export interface EmulatorOptions {
  token: string;
  port?: number;
  host?: string;
  /** A fixed delay before every logged request is answered. */
  latencyMs?: number;
  /** Fault switches on from the start (see faults.ts). */
  faults?: readonly FaultRule[];
}

/** What each API emulator takes: the server options and the world it serves. */
export interface ApiEmulatorOptions extends EmulatorOptions {
  world: World;
}

export interface EmulatorHandle {
  url: string;
  calls: CallLog;
  faults: FaultSwitches;
  close(): Promise<void>;
}

const SQUARE_VERSION = '2025-08-20';

type ParsedBody =
  | { kind: 'none' }
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'invalid'; text: string; error: SquareApiError };

export async function startEmulator(
  routes: Route[],
  options: EmulatorOptions,
  /** More admin routes (no token, not logged), e.g. the webhook fault switches. */
  adminRoutes: Route[] = [],
): Promise<EmulatorHandle> {
  const calls = createCallLog();
  const faults = createFaultSwitches(options.faults);
  const table = compileRoutes(routes);

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://emulator');
    const text = await readText(request);
    if (url.pathname === '/__admin/faults') {
      const admin = serveFaultsAdmin(faults, method, text);
      return sendJson(response, admin.status, admin.body);
    }
    if (url.pathname.startsWith('/__admin/')) return serveAdmin(method, url, text, response);

    const match = matchRoute(table, method, url.pathname);
    const endpoint = `${method} ${match.kind === 'found' ? match.route.path : url.pathname}`;
    const parsed =
      method === 'POST' || method === 'PUT' ? parseBody(text) : { kind: 'none' as const };
    const loggedBody =
      parsed.kind === 'object'
        ? parsed.value
        : parsed.kind === 'invalid'
          ? parsed.text
          : Object.fromEntries(url.searchParams);

    const correlation = {
      requestId: request.headers['x-request-id']?.toString(),
      traceparent: request.headers.traceparent?.toString(),
    };
    const fault = faults.plan(endpoint);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.action === 'hang' || fault.action === 'drop') {
      calls.record({ endpoint, status: 0, body: loggedBody }, correlation);
      // A hang keeps the socket open with no answer; the client's timeout or close() ends it.
      if (fault.action === 'drop') request.socket.destroy();
      return;
    }
    if (fault.action === 'answer') {
      calls.record({ endpoint, status: fault.error.status, body: loggedBody }, correlation);
      return sendJson(response, fault.error.status, fault.error.body, fault.headers);
    }

    let status = 200;
    let body: object;
    try {
      if (options.latencyMs) await sleep(options.latencyMs);
      if (match.kind === 'none') {
        throw squareError('NOT_FOUND', `No such endpoint: ${method} ${url.pathname}`);
      }
      if (match.kind === 'wrong_method') {
        throw squareError('METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}`);
      }
      checkToken(request.headers.authorization, options.token);
      if (parsed.kind === 'invalid') throw parsed.error;
      const routeBody = parsed.kind === 'object' ? parsed.value : {};
      body = match.route.handle({ params: match.params, query: url.searchParams, body: routeBody });
    } catch (error) {
      const apiError = error instanceof SquareApiError ? error : internalError(error);
      status = apiError.status;
      body = apiError.body;
    }
    if (fault.action === 'serveThenDrop') {
      // Served (a write is applied), but no answer reaches the client: logged as status 0.
      calls.record({ endpoint, status: 0, body: loggedBody }, correlation);
      return void request.socket.destroy();
    }
    calls.record({ endpoint, status, body: loggedBody }, correlation);
    sendJson(response, status, body);
  };

  const adminTable = compileRoutes(adminRoutes);
  const serveAdmin = (method: string, url: URL, text: string, response: ServerResponse) => {
    const path = url.pathname;
    const admin = matchRoute(adminTable, method, path);
    if (admin.kind === 'found') {
      try {
        const parsed = method === 'POST' ? parseBody(text) : { kind: 'none' as const };
        if (parsed.kind === 'invalid') throw parsed.error;
        const body = parsed.kind === 'object' ? parsed.value : {};
        const params = { params: admin.params, query: url.searchParams, body };
        return sendJson(response, 200, admin.route.handle(params));
      } catch (error) {
        const apiError = error instanceof SquareApiError ? error : internalError(error);
        return sendJson(response, apiError.status, apiError.body);
      }
    }
    if (method === 'GET' && path === '/__admin/calls') {
      return sendJson(response, 200, calls.byEndpoint());
    }
    if (method === 'GET' && path === '/__admin/calls/statuses') {
      const byStatus: Record<string, number> = {};
      for (const call of calls.list()) byStatus[call.status] = (byStatus[call.status] ?? 0) + 1;
      return sendJson(response, 200, byStatus);
    }
    if (method === 'POST' && path === '/__admin/calls/reset') {
      calls.reset();
      return sendJson(response, 200, {});
    }
    sendJson(
      response,
      404,
      squareError('NOT_FOUND', `No such admin endpoint: ${method} ${path}`).body,
    );
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      sendJson(response, 500, internalError(error).body);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    calls,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function checkToken(authorization: string | undefined, token: string): void {
  if (authorization === undefined) {
    throw squareError(
      'UNAUTHORIZED',
      'Your request did not include an `Authorization` http header with an access token. The header value is expected to be of the format "Bearer TOKEN" (without quotation marks), where TOKEN is to be replaced with your access token.',
    );
  }
  if (authorization !== `Bearer ${token}`) {
    throw squareError('UNAUTHORIZED', 'This request could not be authorized.');
  }
}

function parseBody(text: string): ParsedBody {
  if (text.trim() === '') {
    return {
      kind: 'invalid',
      text,
      error: squareError(
        'EXPECTED_JSON_BODY',
        'The request body is empty; expected a JSON object.',
      ),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      kind: 'invalid',
      text,
      error: squareError('BAD_REQUEST', `The request body is not valid JSON: ${reason}`),
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      kind: 'invalid',
      text,
      error: squareError('EXPECTED_JSON_BODY', 'The request body is not a JSON object.'),
    };
  }
  return { kind: 'object', value: value as Record<string, unknown> };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function internalError(error: unknown): SquareApiError {
  console.error('emulator handler failed:', error);
  return squareError(
    'INTERNAL_SERVER_ERROR',
    error instanceof Error ? error.message : String(error),
  );
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'square-version': SQUARE_VERSION,
    ...headers,
  });
  response.end(payload);
}
