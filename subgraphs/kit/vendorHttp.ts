import { createHash } from 'node:crypto';
import type { Counters } from '../../platform/counters.ts';
import { ErrorCode as Codes, type ErrorCode } from '../../platform/errors.ts';
import { type OutgoingCall, traceOutgoingCall } from '../../platform/spans.ts';
import { createInProcessRateLimiter, type RateLimiter } from './rateLimiter.ts';
import { currentRequestId } from './requestScope.ts';
import {
  type CircuitPhase,
  createUpstreamPolicy,
  defaultResilience,
  type ResilienceSettings,
} from './resilience.ts';
import { UpstreamError } from './upstreamErrors.ts';

/**
 * The one HTTP path from a subgraph to its vendor API: the vendor's headers (auth, API
 * version), the resilience policies (resilience.ts: budget, circuit breaker, rate limit, timeout
 * per try, retries), and the vendor's error envelope turned into a classified UpstreamError.
 * What is the vendor's own (headers, which calls read, idempotency keys, error bodies) comes in
 * as a `VendorWire`, e.g. `squareWire` (square/squareWire.ts). Every try
 * is counted by upstream, endpoint (method + route template) and status (0: no answer), and
 * traced as a client span whose context the request carries (tracing.ts).
 */
export interface VendorHttpOptions {
  /** Name used in errors and counters, e.g. `pos`. */
  upstream: string;
  baseUrl: string;
  token: string;
  /** Per try. */
  timeoutMs: number;
  counters: Counters;
  wire: VendorWire;
  resilience?: ResilienceSettings | undefined;
  /** Where the rate limit's bucket lives; default in process. */
  rateLimiter?: RateLimiter | undefined;
  /** Told about every try once it ends (status 0: no response), for latency metrics. */
  observe?: ((call: { endpoint: string; status: number; seconds: number }) => void) | undefined;
}

export interface VendorCall {
  method: 'GET' | 'POST' | 'PUT';
  /** The route template, e.g. `/v2/orders/{order_id}`: the counters' endpoint label. */
  route: string;
  /** The concrete path with its query string. */
  path: string;
  body?: unknown;
  /**
   * Whether the call only reads. Default: the vendor wire's `isRead`. A write is retried only
   * when its body carries the vendor's idempotency key (the vendor then applies it once however
   * often it arrives).
   */
  effect?: 'read' | 'write';
}

/** What differs between vendors on the wire. */
export interface VendorWire {
  /** Headers on every call: auth and API version. */
  headers(token: string): Record<string, string>;
  /** Whether a call that does not say reads only (and so may be repeated). */
  isRead(call: VendorCall): boolean;
  /** Whether a write's body carries the vendor's idempotency key. */
  hasIdempotencyKey(body: unknown): boolean;
  /** The vendor's error code and detail in an error body, when it has them. */
  errorOf(body: unknown): { code?: string | undefined; detail: string } | undefined;
}

export interface VendorHttp {
  readonly upstream: string;
  /** Resolves with the parsed body; a 404 resolves with `undefined` so callers decide. */
  request<T>(call: VendorCall): Promise<T | undefined>;
  /** The upstream's circuit breaker, for health reports and tests. */
  circuit(): CircuitPhase;
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const { upstream, baseUrl, token, counters, wire } = options;
  const policy = createUpstreamPolicy({
    upstream,
    timeoutMs: options.timeoutMs,
    settings: options.resilience ?? defaultResilience,
    counters,
    rateLimiter: options.rateLimiter ?? createInProcessRateLimiter(),
    // The quota belongs to the API token; a digest keeps the credential out of Redis keys.
    rateLimitKey: `${upstream}:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`,
  });
  const headers = {
    ...wire.headers(token),
    'content-type': 'application/json',
    accept: 'application/json',
  };

  return {
    upstream,
    circuit: () => policy.circuit(),
    request<T>(call: VendorCall): Promise<T | undefined> {
      const endpoint = `${call.method} ${call.route}`;
      const read = call.effect === undefined ? wire.isRead(call) : call.effect === 'read';
      const repeatable = read || wire.hasIdempotencyKey(call.body);
      const url = new URL(call.path, baseUrl);
      let resends = 0;
      return policy.run({ endpoint, repeatable }, (signal) =>
        traceOutgoingCall(
          { service: upstream, method: call.method, route: call.route, url, resends: resends++ },
          (traced) => exchange<T>(call, url, endpoint, signal, traced),
        ),
      );
    },
  };

  /** One try: one HTTP request and its answer, classified. */
  async function exchange<T>(
    call: VendorCall,
    url: URL,
    endpoint: string,
    signal: AbortSignal,
    traced: OutgoingCall,
  ): Promise<T | undefined> {
    const started = performance.now();
    const count = (status: number) => {
      counters.increment('upstream_calls', { upstream, endpoint, status });
      options.observe?.({ endpoint, status, seconds: (performance.now() - started) / 1000 });
      traced.answered(status);
    };
    const failure = (
      code: ErrorCode,
      status: number,
      message: string,
      extra: { vendorCode?: string | undefined; retryAfterMs?: number | undefined } = {},
    ) =>
      new UpstreamError(code, `${upstream} ${endpoint}: ${message}`, {
        upstream,
        endpoint,
        status,
        ...(extra.vendorCode ? { vendorCode: extra.vendorCode } : {}),
        ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
      });

    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers: traced.withTraceContext(withRequestId(headers)),
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal,
      });
    } catch (error) {
      count(0);
      if (signal.aborted) {
        throw failure(Codes.UPSTREAM_TIMEOUT, 0, 'no answer within the timeout');
      }
      throw failure(Codes.UPSTREAM_UNAVAILABLE, 0, `unreachable (${describe(error)})`);
    }

    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      count(response.status);
      if (signal.aborted) {
        throw failure(Codes.UPSTREAM_TIMEOUT, response.status, 'body not complete in time');
      }
      throw failure(
        Codes.UPSTREAM_UNAVAILABLE,
        response.status,
        `body cut off (${describe(error)})`,
      );
    }
    count(response.status);

    if (response.status === 404) return undefined;
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      // A 5xx or 429 from a proxy in front of the vendor may well be HTML; its status says enough.
      if (response.ok || (response.status !== 429 && response.status < 500)) {
        throw failure(Codes.UPSTREAM_BAD_RESPONSE, response.status, 'response is not JSON');
      }
      body = {};
    }
    if (response.ok) return body as T;

    const vendorError = wire.errorOf(body);
    const detail = vendorError?.detail ?? `HTTP ${response.status}`;
    const code =
      response.status === 429
        ? Codes.UPSTREAM_RATE_LIMITED
        : response.status >= 500
          ? Codes.UPSTREAM_UNAVAILABLE
          : Codes.UPSTREAM_BAD_RESPONSE;
    throw failure(code, response.status, detail, {
      vendorCode: vendorError?.code,
      retryAfterMs: retryAfter(response.headers.get('retry-after')),
    });
  }
}

/** `Retry-After` as delay seconds (fractions accepted) or an HTTP date, in ms from now. */
function retryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The request id of the subgraph request this call serves, so vendor logs can be matched. */
function withRequestId(headers: Record<string, string>): Record<string, string> {
  const requestId = currentRequestId();
  return requestId ? { ...headers, 'x-request-id': requestId } : headers;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
