/**
 * A retry budget per upstream (as Envoy's and Finagle's): over the last `windowMs`, retries may
 * be at most `ratio` of the first tries, plus `minPerSecond` so a quiet upstream can still be
 * retried. A vendor failing now and then gets every call retried (30% 5xx needs about 43% more
 * tries); one failing almost always does not get four times the calls, which would spend the
 * shared quota the other requests need. The breaker stops the calls of a dead vendor; this
 * bounds what a sick one costs before it opens.
 */
export interface RetryBudget {
  /** A first try is being made. */
  firstTry(): void;
  /** Whether a retry may be made now; counts it when so. */
  allowRetry(): boolean;
}

export interface RetryBudgetSettings {
  ratio: number;
  minPerSecond: number;
  windowMs: number;
}

export function createRetryBudget(
  settings: RetryBudgetSettings,
  now: () => number = Date.now,
): RetryBudget {
  // One slot per second of the window: [first tries, retries].
  const slots = Math.max(1, Math.round(settings.windowMs / 1000));
  const counts = Array.from({ length: slots }, () => ({ second: -1, first: 0, retries: 0 }));
  const slot = () => {
    const second = Math.floor(now() / 1000);
    const entry = counts[second % slots] as { second: number; first: number; retries: number };
    if (entry.second !== second) {
      entry.second = second;
      entry.first = 0;
      entry.retries = 0;
    }
    return entry;
  };
  const totals = () => {
    const oldest = Math.floor(now() / 1000) - slots + 1;
    let first = 0;
    let retries = 0;
    for (const entry of counts) {
      if (entry.second < oldest) continue;
      first += entry.first;
      retries += entry.retries;
    }
    return { first, retries };
  };
  return {
    firstTry() {
      slot().first += 1;
    },
    allowRetry() {
      const { first, retries } = totals();
      const allowed = settings.ratio * first + settings.minPerSecond * (settings.windowMs / 1000);
      if (retries + 1 > allowed) return false;
      slot().retries += 1;
      return true;
    },
  };
}
