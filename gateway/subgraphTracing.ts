import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { injectTraceContext } from '../platform/spans.ts';

/**
 * Every subgraph call carries the trace context (`traceparent`) of the `gateway.fetch` span that
 * makes it, so the subgraph's spans join the gateway's trace. While tracing is off, nothing is
 * added (platform/tracing.ts).
 */
export function propagateTraceContext<D extends RemoteGraphQLDataSource>(source: D): D {
  const previous = source.willSendRequest?.bind(source);
  source.willSendRequest = (options) => {
    const headers = options.request.http?.headers;
    if (headers) injectTraceContext(headers);
    return previous?.(options);
  };
  return source;
}
