/**
 * The client-side limit on calls to a vendor API, matched to the vendor's quota for one API
 * token: a token bucket holding up to `burst` calls, refilled at `perSecond`. Over any window of
 * T seconds a bucket lets through at most `burst + perSecond * T` calls.
 *
 * A call reserves its token before it is made and learns how long to wait for it; reservations
 * may run the bucket below zero, so waiting callers are served in order at exactly the rate.
 * A caller that cannot wait that long (its request budget ends first) is refused and takes
 * nothing. The bucket sits behind an interface so instances that share one API token can share
 * one bucket: in process here (the default), in Redis in rateLimiterRedis.ts.
 */
export interface RateLimit {
  /** Calls per second the vendor allows this token (fractions allowed: 0.5 is one call in 2 s). */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

export type Reservation =
  /** Make the call after `waitMs`. */
  | { granted: true; waitMs: number }
  /** Nothing was taken; the next token is `waitMs` away, more than the caller could wait. */
  | { granted: false; waitMs: number };

export interface RateLimiter {
  /** Reserves one call on the bucket `key` (an upstream and API token) under `limit`. */
  reserve(key: string, limit: RateLimit, maxWaitMs: number): Promise<Reservation>;
  close(): Promise<void>;
}

export function checkRateLimit(limit: RateLimit): RateLimit {
  if (!(limit.perSecond > 0)) throw new Error(`perSecond must be above 0: ${limit.perSecond}`);
  if (!(limit.burst >= 1)) throw new Error(`burst must be at least 1: ${limit.burst}`);
  return limit;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket step, shared in meaning with the Redis script: refill, then reserve or refuse. */
export function reserveFrom(
  bucket: Bucket | undefined,
  limit: RateLimit,
  maxWaitMs: number,
  now: number,
): { reservation: Reservation; bucket: Bucket | undefined } {
  const perMs = limit.perSecond / 1000;
  const previous = bucket ?? { tokens: limit.burst, at: now };
  const tokens = Math.min(limit.burst, previous.tokens + (now - previous.at) * perMs);
  const waitMs = tokens >= 1 ? 0 : (1 - tokens) / perMs;
  if (waitMs > maxWaitMs) return { reservation: { granted: false, waitMs }, bucket };
  return { reservation: { granted: true, waitMs }, bucket: { tokens: tokens - 1, at: now } };
}

export function createInProcessRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    async reserve(key, limit, maxWaitMs) {
      const step = reserveFrom(buckets.get(key), limit, maxWaitMs, now());
      if (step.bucket) buckets.set(key, step.bucket);
      return step.reservation;
    },
    async close() {
      buckets.clear();
    },
  };
}
