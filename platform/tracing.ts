import { context, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { envVar, readEnv } from './config.ts';
import { createLogger } from './logger.ts';
import { setActiveTracer } from './spans.ts';

/**
 * OpenTelemetry tracing, one trace per request: the gateway's server span (continuing the
 * caller's `traceparent`, if any), `@apollo/gateway`'s own spans (`gateway.request`, `.plan`,
 * `.execute`, `.fetch`), a server span per subgraph call, and a client span per try of every
 * vendor call. Each hop carries W3C trace context in the `traceparent` header, also between
 * services in one process (they talk HTTP too), and a server span takes its parent from that
 * header only.
 *
 * This file installs the provider; spans.ts makes the spans. Off unless installed (one provider
 * per process): the span functions then check one variable and return, and the API's global provider stays the no-op one, so `@apollo/gateway`'s spans
 * are no-op calls. `@opentelemetry/api` stays on 1.9, one copy with `@apollo/gateway`'s: Apollo
 * takes its tracer when loaded, and a tracer from a second copy never sees this provider.
 */
export interface Tracing {
  /** Exports the spans still buffered, then unregisters the provider. */
  close(): Promise<void>;
}

let installed = false;

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
  if (installed) throw new Error('tracing is already installed in this process');
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
  installed = true;
  setActiveTracer(provider.getTracer('restaurant-graph'));
  return {
    async close() {
      installed = false;
      setActiveTracer(undefined);
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
