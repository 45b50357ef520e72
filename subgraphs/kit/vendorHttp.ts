import type { Counters } from './counters.ts';
import { ErrorCode as Codes, type ErrorCode, UpstreamError } from './errors.ts';

/**
 * The one HTTP path from a subgraph to its vendor API: Bearer auth, the Square-Version header,
 * a timeout per call, and the vendor's error envelope turned into a classified UpstreamError.
 * Every call is counted by upstream, endpoint (method + route template) and status.
 */
export interface VendorHttpOptions {
  /** Name used in errors and counters, e.g. `pos`. */
  upstream: string;
  baseUrl: string;
  token: string;
  timeoutMs: number;
  counters: Counters;
}

export interface VendorCall {
  method: 'GET' | 'POST' | 'PUT';
  /** The route template, e.g. `/v2/orders/{order_id}`: the counters' endpoint label. */
  route: string;
  /** The concrete path with its query string. */
  path: string;
  body?: unknown;
}

export interface VendorHttp {
  readonly upstream: string;
  /** Resolves with the parsed body; a 404 resolves with `undefined` so callers decide. */
  request<T>(call: VendorCall): Promise<T | undefined>;
}

/** Square's API version the emulators and adapters are written against. */
export const SQUARE_VERSION = '2025-08-20';

interface SquareErrorBody {
  errors?: { category?: string; code?: string; detail?: string; field?: string }[];
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const { upstream, baseUrl, token, timeoutMs, counters } = options;
  const headers = {
    authorization: `Bearer ${token}`,
    'square-version': SQUARE_VERSION,
    'content-type': 'application/json',
    accept: 'application/json',
  };

  return {
    upstream,
    async request<T>(call: VendorCall): Promise<T | undefined> {
      const endpoint = `${call.method} ${call.route}`;
      const count = (status: number) =>
        counters.increment('upstream_calls', { upstream, endpoint, status });
      const failure = (code: ErrorCode, status: number, message: string, vendorCode?: string) =>
        new UpstreamError(code, `${upstream} ${endpoint}: ${message}`, {
          upstream,
          endpoint,
          status,
          ...(vendorCode ? { vendorCode } : {}),
        });

      let response: Response;
      try {
        response = await fetch(new URL(call.path, baseUrl), {
          method: call.method,
          headers,
          body: call.body === undefined ? null : JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        count(0);
        if (error instanceof DOMException && error.name === 'TimeoutError') {
          throw failure(Codes.UPSTREAM_TIMEOUT, 0, `no answer within ${timeoutMs} ms`);
        }
        throw failure(Codes.UPSTREAM_UNAVAILABLE, 0, `unreachable (${describe(error)})`);
      }

      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        count(response.status);
        if (error instanceof DOMException && error.name === 'TimeoutError') {
          throw failure(
            Codes.UPSTREAM_TIMEOUT,
            response.status,
            `body not complete within ${timeoutMs} ms`,
          );
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
        throw failure(Codes.UPSTREAM_BAD_RESPONSE, response.status, 'response is not JSON');
      }
      if (response.ok) return body as T;

      const first = (body as SquareErrorBody).errors?.[0];
      const detail = first ? `${first.code}: ${first.detail ?? ''}` : `HTTP ${response.status}`;
      const code =
        response.status === 429
          ? Codes.UPSTREAM_RATE_LIMITED
          : response.status >= 500
            ? Codes.UPSTREAM_UNAVAILABLE
            : Codes.UPSTREAM_BAD_RESPONSE;
      throw failure(code, response.status, detail, first?.code);
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
