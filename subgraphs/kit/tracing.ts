import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  context,
  DiagLogLevel,
  diag,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { envVar, readEnv } from './config.ts';
import { createLogger } from './logger.ts';

/**
 * OpenTelemetry tracing, one trace per request: the gateway's server span (continuing the
 * caller's `traceparent`, if any), `@apollo/gateway`'s own spans (`gateway.request`, `.plan`,
 * `.execute`, `.fetch`), a server span per subgraph call, and a client span per try of every
 * vendor call. Each hop carries W3C trace context in the `traceparent` header, also between
 * services in one process (they talk HTTP too), and a server span takes its parent from that
 * header only.
 *
 * Off unless installed (one provider per process): the functions below then check one variable
 * and return, and the API's global provider stays the no-op one, so `@apollo/gateway`'s spans
 * are no-op calls. `@opentelemetry/api` stays on 1.9, one copy with `@apollo/gateway`'s: Apollo
 * takes its tracer when loaded, and a tracer from a second copy never sees this provider.
 */
export interface Tracing {
  /** Exports the spans still buffered, then unregisters the provider. */
  close(): Promise<void>;
}

// Still "incubating" in the semantic conventions package, whose advice is to copy such names.
const ATTR_PEER_SERVICE = 'peer.service';
const ATTR_URL_TEMPLATE = 'url.template';

let tracer: Tracer | undefined;

/**
 * Registers a tracer provider for this process, with W3C trace context propagation and the
 * async context that lets a span follow its request's work. The SDK's own warnings (an export
 * the collector refused, say) go to the log. Tracers handed out before `close()` (Apollo's) keep
 * the closed provider: install once per process.
 */
export function installTracing(options: {
  serviceName: string;
  processor: SpanProcessor;
}): Tracing {
  if (tracer) throw new Error('tracing is already installed in this process');
  const logger = createLogger(options.serviceName);
  const ignore = () => {};
  diag.setLogger(
    {
      error: (message) => logger.error({ event: 'tracing' }, message),
      warn: (message) => logger.warn({ event: 'tracing' }, message),
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    DiagLogLevel.WARN,
  );
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    ),
    spanProcessors: [options.processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  tracer = provider.getTracer('restaurant-graph');
  return {
    async close() {
      tracer = undefined;
      // A collector that is down costs the last spans, not a clean exit.
      await provider.shutdown().catch((error: unknown) => {
        logger.warn({ event: 'tracing', reason: String(error) }, 'last spans not exported');
      });
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

/**
 * Tracing as the standard variables configure it: on once OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, spans batched there over OTLP (HTTP/protobuf; the
 * exporter reads the other OTEL_EXPORTER_OTLP_* variables itself), the service named by
 * OTEL_SERVICE_NAME or `defaultServiceName`. Undefined (off) otherwise.
 */
export function installTracingFromEnv(defaultServiceName: string): Tracing | undefined {
  const env = readEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: envVar.optionalUrl(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envVar.optionalUrl(),
    OTEL_SERVICE_NAME: envVar.string(defaultServiceName),
  });
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  return installTracing({
    serviceName: env.OTEL_SERVICE_NAME,
    processor: new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }),
  });
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
  const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
  return context.with(trace.setSpan(parent, span), run).then(
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
