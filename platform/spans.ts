import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

/**
 * The spans this system makes (tracing.ts installs the provider): a server span per incoming
 * request, a client span per try of a vendor call, the trace context on outgoing requests, and
 * a consumer span per subscription event continuing the trace its change carried. With no
 * provider installed each function checks one variable and gets out of the way.
 */

// Still "incubating" in the semantic conventions package, whose advice is to copy such names.
const ATTR_PEER_SERVICE = 'peer.service';
const ATTR_URL_TEMPLATE = 'url.template';

let tracer: Tracer | undefined;

/** Set by tracing.ts when a provider is installed, cleared when it closes. */
export function setActiveTracer(active: Tracer | undefined): void {
  tracer = active;
}

/** What a server's spans say about its route, made once per server (not per request). */
export interface ServerRoute {
  route: string;
  /** More span attributes, e.g. `subgraph.name`. */
  attributes?: Attributes;
}

/**
 * Runs `handle` for an incoming request inside a server span that continues the trace in the
 * request's headers (a request without one starts a trace) and ends when the response does.
 */
export function traceIncomingRequest<T>(
  req: IncomingMessage,
  res: ServerResponse,
  { route, attributes }: ServerRoute,
  handle: () => T,
): T {
  if (!tracer) return handle();
  const method = req.method ?? 'GET';
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route, ...attributes },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handle);
}

/**
 * The active span's trace context as a `traceparent` value, for a domain event to carry across
 * the event bus (undefined when tracing is off or no span is active).
 */
export function currentTraceparent(): string | undefined {
  if (!tracer) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs the handling of one event inside a consumer span that continues the trace the event
 * carries (`traceparent`, from the webhook that caused it), so a vendor change and its delivery
 * to subscribers are one trace; without one, the active context is the parent.
 */
export function traceEventHandling<T>(
  name: string,
  attributes: Attributes,
  traceparent: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!tracer) return run();
  const parent = traceparent
    ? propagation.extract(ROOT_CONTEXT, { traceparent })
    : context.active();
  return runInSpan(tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent), run);
}

/**
 * Runs work no request started (a reconciliation poll) as a trace of its own, so its vendor
 * calls and the changes it publishes are traced like a webhook's.
 */
export function traceBackgroundTask<T>(
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  if (!tracer) return run();
  const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, ROOT_CONTEXT);
  return runInSpan(span, run);
}

function runInSpan<T>(span: Span, run: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), run).then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      span.end();
      throw error;
    },
  );
}

/** Sets the current span's trace context (`traceparent`) on an outgoing request's headers. */
export function injectTraceContext(headers: { set(name: string, value: string): unknown }): void {
  if (!tracer) return;
  propagation.inject(context.active(), headers, {
    set: (carrier, name, value) => carrier.set(name, value),
  });
}

/** One try of an outgoing HTTP call, as its client span is told about it. */
export interface OutgoingCall {
  /** `headers` plus the trace context of this try's span. */
  withTraceContext(headers: Record<string, string>): Record<string, string>;
  /** The response status the try got (0: none). */
  answered(status: number): void;
}

const untracedCall: OutgoingCall = { withTraceContext: (headers) => headers, answered: () => {} };

/**
 * Runs one try of an HTTP call to `service` (a vendor API) inside a client span named for the
 * route template (`GET /v2/orders/{order_id}`), following OpenTelemetry's HTTP client
 * conventions: method, route template, URL, status code, and how many tries came before this
 * one. A try that throws marks the span failed with the error's code.
 */
export function traceOutgoingCall<T>(
  call: { service: string; method: string; route: string; url: URL; resends: number },
  run: (traced: OutgoingCall) => Promise<T>,
): Promise<T> {
  if (!tracer) return run(untracedCall);
  const span = tracer.startSpan(`${call.method} ${call.route}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_PEER_SERVICE]: call.service,
      [ATTR_HTTP_REQUEST_METHOD]: call.method,
      [ATTR_URL_TEMPLATE]: call.route,
      [ATTR_URL_FULL]: call.url.href,
      [ATTR_SERVER_ADDRESS]: call.url.hostname,
      [ATTR_SERVER_PORT]: Number(call.url.port || (call.url.protocol === 'https:' ? 443 : 80)),
      ...(call.resends > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: call.resends } : {}),
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const traced: OutgoingCall = {
    withTraceContext: (headers) => {
      const withContext = { ...headers };
      propagation.inject(spanContext, withContext);
      return withContext;
    },
    answered: (status) => {
      if (status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    },
  };
  return run(traced).then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
      const message = error instanceof Error ? error.message : String(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      span.end();
      throw error;
    },
  );
}

/** A GraphQL error's `extensions.code` (UPSTREAM_TIMEOUT, ...), else the error's name. */
function errorType(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
