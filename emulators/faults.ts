/**
 * Fault switches: what a vendor API does on a bad day, switched on per emulator and per
 * endpoint. Each rule names an endpoint as the call log does (`POST /v2/orders/search`) or
 * none for every endpoint, a fault, and the share of calls it hits (`rate`, default 1).
 *
 * Which calls a rate hits is deterministic, so tests never flake: without a `seed` the hits are
 * spread evenly by a counter (rate 0.3 hits calls 4, 7, 10, 14, ...; rate 1/N hits every Nth);
 * with a `seed` they are drawn from a seeded generator (clusters happen, as in production).
 *
 * - `latency`: waits `ms` before answering (adds up with other latency rules).
 * - `error`: 500 INTERNAL_SERVER_ERROR or 503 SERVICE_UNAVAILABLE.
 * - `rateLimit`: 429 RATE_LIMITED, with `Retry-After` when `retryAfterSeconds` is set (Square
 *   does not promise the header; fractions of a second are allowed here so tests stay fast).
 * - `quota`: the vendor's own token bucket (`perSecond`, `burst`); calls beyond it get 429.
 * - `hang`: never answers; the client's timeout is what ends the call.
 * - `drop`: destroys the socket without an answer; with `afterHandling` the call is served
 *   first (a write is applied) and only the answer is lost, the case idempotency keys exist for.
 * - `outage`: answers 503 to everything, fast, and logs each call, so tests can count what a
 *   client sends to a dead vendor. A refused connection is the emulator closed (`close()`).
 *
 * Set them with `startEmulators({ faults })`, on a handle (`emulator.faults.set(rules)`), or
 * from outside (faultsAdmin.ts): `EMULATOR_FAULTS` at start, `POST /__admin/faults` with
 * `{"faults":[...]}` at run time (replaces the rules; `GET` lists them, `DELETE` clears them).
 */
import { createRandom, type Random } from './random.ts';
import { type SquareApiError, squareError } from './square-errors.ts';

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'error'; status?: 500 | 503 }
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  | { kind: 'quota'; perSecond: number; burst?: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'drop'; afterHandling?: boolean }
  | { kind: 'outage' };

export type FaultRule = Fault & {
  /** `METHOD /route/template`, as the call log names it; absent: every endpoint. */
  endpoint?: string;
  /** Share of the matching calls hit, 0..1 (default 1). Not used by `quota`. */
  rate?: number;
  /** Draw the hit calls from a generator with this seed instead of spreading them evenly. */
  seed?: number;
};

/** What the server does with one call. */
export type FaultPlan = { delayMs: number } & (
  | { action: 'serve' }
  | { action: 'answer'; error: SquareApiError; headers: Record<string, string> }
  | { action: 'hang' }
  | { action: 'drop' }
  | { action: 'serveThenDrop' }
);

export interface FaultSwitches {
  list(): FaultRule[];
  /** Replaces every rule (validated first; a bad rule changes nothing). */
  set(rules: readonly FaultRule[]): void;
  clear(): void;
  /** Decides the fate of one call to `endpoint`. */
  plan(endpoint: string): FaultPlan;
}

interface ActiveRule {
  rule: FaultRule;
  calls: number;
  random: Random | undefined;
  bucket: { tokens: number; at: number } | undefined;
}

export function createFaultSwitches(
  initial: readonly FaultRule[] = [],
  now: () => number = Date.now,
): FaultSwitches {
  let active: ActiveRule[] = [];

  const hits = (entry: ActiveRule): boolean => {
    const rate = entry.rule.rate ?? 1;
    const n = entry.calls++;
    if (entry.random) return entry.random.next() < rate;
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  };

  const overQuota = (entry: ActiveRule, perSecond: number, burst: number): boolean => {
    const bucket = entry.bucket ?? { tokens: burst, at: now() };
    entry.bucket = bucket;
    const t = now();
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  };

  const switches: FaultSwitches = {
    list: () => active.map((entry) => entry.rule),
    set(rules) {
      rules.forEach(checkRule);
      active = rules.map((rule) => ({
        rule: { ...rule },
        calls: 0,
        random: rule.seed === undefined ? undefined : createRandom(rule.seed),
        bucket: undefined,
      }));
    },
    clear() {
      active = [];
    },
    plan(endpoint) {
      let delayMs = 0;
      let outcome: FaultPlan | undefined;
      for (const entry of active) {
        const { rule } = entry;
        if (rule.endpoint !== undefined && rule.endpoint !== endpoint) continue;
        if (rule.kind === 'quota') {
          const burst = rule.burst ?? rule.perSecond;
          if (overQuota(entry, rule.perSecond, burst) && !outcome) {
            outcome = answer(rateLimited(rule.retryAfterSeconds));
          }
          continue;
        }
        if (!hits(entry)) continue;
        if (rule.kind === 'latency') {
          delayMs += rule.ms;
          continue;
        }
        // The first fault that hits decides; later rules still count the call.
        outcome ??= outcomeOf(rule);
      }
      return outcome ? { ...outcome, delayMs } : { action: 'serve', delayMs };
    },
  };
  switches.set(initial);
  return switches;
}

function outcomeOf(fault: Exclude<Fault, { kind: 'latency' | 'quota' }>): FaultPlan {
  switch (fault.kind) {
    case 'error':
      return fault.status === 503
        ? answer({ error: squareError('SERVICE_UNAVAILABLE', 'Service unavailable.') })
        : answer({ error: squareError('INTERNAL_SERVER_ERROR', 'An internal error occurred.') });
    case 'rateLimit':
      return answer(rateLimited(fault.retryAfterSeconds));
    case 'hang':
      return { action: 'hang', delayMs: 0 };
    case 'drop':
      return { action: fault.afterHandling ? 'serveThenDrop' : 'drop', delayMs: 0 };
    case 'outage':
      return answer({
        error: squareError('SERVICE_UNAVAILABLE', 'The service is down for maintenance.'),
      });
  }
}

function answer(response: { error: SquareApiError; headers?: Record<string, string> }): FaultPlan {
  return { action: 'answer', delayMs: 0, error: response.error, headers: response.headers ?? {} };
}

function rateLimited(retryAfterSeconds: number | undefined): {
  error: SquareApiError;
  headers: Record<string, string>;
} {
  return {
    error: squareError('RATE_LIMITED', 'Too many requests; slow down.'),
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  };
}

const faultKinds = ['latency', 'error', 'rateLimit', 'quota', 'hang', 'drop', 'outage'];

/** Throws a message naming what is wrong with one rule (admin endpoint and env both use it). */
export function checkRule(rule: FaultRule): void {
  const where = `fault ${JSON.stringify(rule)}`;
  if (rule === null || typeof rule !== 'object') throw new Error(`${where}: not an object`);
  if (!faultKinds.includes(rule.kind)) {
    throw new Error(`${where}: kind must be one of ${faultKinds.join(', ')}`);
  }
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
    throw new Error(`${where}: rate must be between 0 and 1`);
  }
  if (rule.endpoint !== undefined && typeof rule.endpoint !== 'string') {
    throw new Error(`${where}: endpoint must be a string like "POST /v2/orders/search"`);
  }
  if (rule.seed !== undefined && !Number.isInteger(rule.seed)) {
    throw new Error(`${where}: seed must be an integer`);
  }
  const nonNegative = (value: unknown, name: string) => {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new Error(`${where}: ${name} must be a number >= 0`);
    }
  };
  if (rule.kind === 'latency') {
    if (rule.ms === undefined) throw new Error(`${where}: latency needs ms`);
    nonNegative(rule.ms, 'ms');
  }
  if (rule.kind === 'error' && rule.status !== undefined && ![500, 503].includes(rule.status)) {
    throw new Error(`${where}: status must be 500 or 503`);
  }
  if (rule.kind === 'rateLimit' || rule.kind === 'quota') {
    nonNegative(rule.retryAfterSeconds, 'retryAfterSeconds');
  }
  if (rule.kind === 'quota' && !(typeof rule.perSecond === 'number' && rule.perSecond > 0)) {
    throw new Error(`${where}: quota needs perSecond > 0`);
  }
}
