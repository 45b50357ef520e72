import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';

/** Failed vendor calls, classified once (vendorHttp.ts, resilience.ts); the codes live in platform/errors.ts. */
export interface UpstreamFailure {
  upstream: string;
  endpoint: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** The vendor's own error code (e.g. `RATE_LIMITED`), when it sent one. */
  vendorCode?: string;
  /** From the vendor's `Retry-After` header, or the client-side quota's next free call. */
  retryAfterMs?: number;
}

/** A failed vendor call, already classified; resolvers let it surface as a GraphQL error. */
export class UpstreamError extends GraphQLError {
  readonly failure: UpstreamFailure;

  constructor(code: ErrorCode, message: string, failure: UpstreamFailure) {
    super(message, {
      extensions: {
        code,
        upstream: failure.upstream,
        endpoint: failure.endpoint,
        status: failure.status,
        ...(failure.vendorCode ? { vendorCode: failure.vendorCode } : {}),
      },
    });
    this.failure = failure;
  }
}

/** A failure that says nothing about the data, only that the vendor cannot be asked right now. */
export function isUpstreamOutage(error: unknown): error is UpstreamError {
  if (!(error instanceof UpstreamError)) return false;
  const code = error.extensions.code;
  return (
    code === ErrorCode.UPSTREAM_UNAVAILABLE ||
    code === ErrorCode.UPSTREAM_TIMEOUT ||
    code === ErrorCode.UPSTREAM_RATE_LIMITED
  );
}

/** The vendor answered 2xx with data this adapter cannot map (e.g. an enum value it lacks). */
export function unexpectedVendorData(upstream: string, detail: string): GraphQLError {
  return new GraphQLError(`${upstream} sent unexpected data: ${detail}`, {
    extensions: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, upstream },
  });
}
