import {
  BrokenCircuitError,
  CircuitState,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  SamplingBreaker,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import type { Counters } from '../../platform/counters.ts';
import { ErrorCode } from '../../platform/errors.ts';
import type { RateLimit, RateLimiter } from './rateLimiter.ts';
import { requestDeadline } from './requestScope.ts';
import { createRetryBudget } from './retryBudget.ts';
import { isUpstreamOutage, UpstreamError } from './upstreamErrors.ts';

/**
 * The policies around every call to one vendor API (cockatiel), in the order a call meets them:
 *
 * 1. Budget: a call ends by its request's deadline (requestScope.ts) or, outside a request,
 *    `requestBudgetMs` after it starts; every wait and try below fits inside it.
 * 2. Circuit breaker, one per upstream: when more than `failureRatio` of the tries in
 *    `windowMs` failed (5xx, refused, dropped or timed out; at least `minimumCalls` tries), calls
 *    fail at once with UPSTREAM_UNAVAILABLE for `halfOpenAfterMs`; then one try probes the
 *    vendor and closes the circuit when it works. 4xx and 429 say the vendor is up.
 * 3. Rate limiter: each try waits for a token of the vendor's quota (rateLimiter.ts), or fails
 *    with UPSTREAM_RATE_LIMITED when the wait would outlast the budget.
 * 4. Timeout per try: `timeoutMs`, or less when the budget ends sooner.
 * 5. Retries of failed tries that may work next time (5xx, refused, dropped, timed out, 429),
 *    only for calls that are safe to repeat (reads, writes with an idempotency key): up to
 *    `maxRetries`, after `initialDelayMs * 2^n` capped at `maxDelayMs` with equal jitter (half
 *    fixed, half random, so a crowd of clients spreads out), or after the vendor's
 *    `Retry-After` when it sent one. A retry that could not start before the deadline is not
 *    made: the call fails with the last error at once rather than sleeping into a timeout.
 *    Within a retry budget per upstream (retryBudget.ts): retries at most `budgetRatio` of the
 *    first tries of the last 10 s, so a sick vendor cannot spend the shared quota.
 */
export interface ResilienceSettings {
  /** The time all vendor calls of one subgraph request may take, waits and retries included. */
  requestBudgetMs: number;
  retry: {
    maxRetries: number;
    initialDelayMs: number;
    maxDelayMs: number;
    /** Retries over the breaker's window at most this share of first tries (default 1: at most double the calls). */
    budgetRatio?: number | undefined;
  };
  breaker: {
    failureRatio: number;
    windowMs: number;
    minimumCalls: number;
    halfOpenAfterMs: number;
  };
  /** The vendor's quota for this API token; absent: no client-side limit. */
  rateLimit?: RateLimit | undefined;
  /** Where the quota's bucket lives: this process (default), or Redis, shared by instances. */
  rateLimitStore?: 'memory' | 'redis';
}

/**
 * Used where no environment is read (the local system, tests). No rate limit: the emulators
 * enforce no quota unless a fault switch gives them one (readSubgraphSettings sets one).
 */
export const defaultResilience: ResilienceSettings = {
  requestBudgetMs: 8_000,
  retry: { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 2_000, budgetRatio: 1 },
  breaker: { failureRatio: 0.5, windowMs: 10_000, minimumCalls: 10, halfOpenAfterMs: 5_000 },
};

export type CircuitPhase = 'closed' | 'open' | 'half-open';

export interface UpstreamPolicy {
  /** Runs one vendor call: `attempt` once per try, given the try's abort signal. */
  run<T>(call: PolicyCall, attempt: (signal: AbortSignal) => Promise<T>): Promise<T>;
  circuit(): CircuitPhase;
}

export interface PolicyCall {
  /** `METHOD /route/template`, for errors and counters. */
  endpoint: string;
  /** Whether a failed try may be repeated (a read, or a write with an idempotency key). */
  repeatable: boolean;
}

export interface UpstreamPolicyOptions {
  upstream: string;
  /** Per try. */
  timeoutMs: number;
  settings: ResilienceSettings;
  counters: Counters;
  /** With `settings.rateLimit`: the shared bucket store and this upstream's bucket key. */
  rateLimiter?: RateLimiter | undefined;
  rateLimitKey?: string;
  now?: () => number;
}

export function createUpstreamPolicy(options: UpstreamPolicyOptions): UpstreamPolicy {
  const { upstream, settings, counters, rateLimiter, now = Date.now } = options;
  const { breaker: breakerSettings, retry: retrySettings } = settings;
  const rateLimitKey = options.rateLimitKey ?? upstream;
  const retryBudget = createRetryBudget(
    {
      ratio: retrySettings.budgetRatio ?? 1,
      minPerSecond: 1,
      // Its own 10 s, not the breaker's window: a short window would forget a call's first
      // try while its retries are still running.
      windowMs: 10_000,
    },
    now,
  );

  const breaker = circuitBreaker(
    handleWhen(
      (error) =>
        error instanceof UpstreamError &&
        (error.extensions.code === ErrorCode.UPSTREAM_UNAVAILABLE ||
          error.extensions.code === ErrorCode.UPSTREAM_TIMEOUT),
    ),
    {
      halfOpenAfter: breakerSettings.halfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: breakerSettings.failureRatio,
        duration: breakerSettings.windowMs,
        minimumRps: breakerSettings.minimumCalls / (breakerSettings.windowMs / 1000),
      }),
    },
  );
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = now();
  });
  breaker.onStateChange((state) => {
    counters.increment('upstream_circuit_changes', { upstream, state: phaseOf(state) });
  });
  const shortCircuited = () =>
    breaker.state === CircuitState.Open && now() - openedAt < breakerSettings.halfOpenAfterMs;

  const fail = (call: PolicyCall, code: ErrorCode, message: string, retryAfterMs?: number) =>
    new UpstreamError(code, `${upstream} ${call.endpoint}: ${message}`, {
      upstream,
      endpoint: call.endpoint,
      status: 0,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.ceil(retryAfterMs) }),
    });

  // Failing fast is the point of an open circuit: its errors are never retried.
  const openCircuitErrors = new WeakSet<Error>();
  const circuitOpen = (call: PolicyCall) => {
    counters.increment('upstream_short_circuited', { upstream, endpoint: call.endpoint });
    const error = fail(
      call,
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'circuit open after repeated failures',
    );
    openCircuitErrors.add(error);
    return error;
  };

  async function tryOnce<T>(
    call: PolicyCall,
    attempt: (signal: AbortSignal) => Promise<T>,
    deadline: number,
  ): Promise<T> {
    if (shortCircuited()) throw circuitOpen(call);
    if (settings.rateLimit && rateLimiter) {
      const reservation = await rateLimiter.reserve(
        rateLimitKey,
        settings.rateLimit,
        deadline - now(),
      );
      if (!reservation.granted) {
        throw fail(
          call,
          ErrorCode.UPSTREAM_RATE_LIMITED,
          `client-side quota has no call free within the request budget`,
          reservation.waitMs,
        );
      }
      if (reservation.waitMs > 0) {
        counters.increment('upstream_rate_limit_waits', { upstream });
        await sleep(reservation.waitMs);
      }
    }
    const tryMs = Math.min(options.timeoutMs, deadline - now());
    if (tryMs <= 0) {
      throw fail(call, ErrorCode.UPSTREAM_TIMEOUT, 'request budget used up before the call');
    }
    try {
      return await breaker.execute(() =>
        timeout(tryMs, TimeoutStrategy.Cooperative).execute(({ signal }) => attempt(signal)),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw circuitOpen(call);
      throw error;
    }
  }

  return {
    circuit: () => phaseOf(breaker.state),
    run(call, attempt) {
      const deadline = Math.min(now() + settings.requestBudgetMs, requestDeadline() ?? Infinity);
      let retries = 0;
      let nextDelay = 0;
      const retryPolicy = retry(
        handleWhen((error) => {
          if (
            !call.repeatable ||
            !isUpstreamOutage(error) ||
            openCircuitErrors.has(error) ||
            retries >= retrySettings.maxRetries
          ) {
            return false;
          }
          const delay = retryDelay(retries, error.failure.retryAfterMs);
          // No point sleeping into the deadline: fail now with the error we have.
          if (now() + delay >= deadline) return false;
          if (!retryBudget.allowRetry()) {
            counters.increment('upstream_retries_refused', { upstream, endpoint: call.endpoint });
            return false;
          }
          nextDelay = delay;
          retries += 1;
          counters.increment('upstream_retries', { upstream, endpoint: call.endpoint });
          return true;
        }),
        {
          maxAttempts: retrySettings.maxRetries,
          backoff: new DelegateBackoff(() => nextDelay),
        },
      );
      retryBudget.firstTry();
      return retryPolicy.execute(() => tryOnce(call, attempt, deadline));
    },
  };

  function retryDelay(retriesSoFar: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const ceiling = Math.min(
      retrySettings.maxDelayMs,
      retrySettings.initialDelayMs * 2 ** retriesSoFar,
    );
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

function phaseOf(state: CircuitState): CircuitPhase {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
