import { percentile99 } from './callWindow.ts';

/**
 * The most recent lags of one kind (a vendor change to its event on the bus), for the status
 * page: the last one and the p99 over the last `size`, in milliseconds. The histogram on
 * `/metrics` has every one; this answers "how late are webhooks right now" without a query.
 */
export interface LagWindow {
  record(seconds: number): void;
  summary(): { events: number; lastMs: number | null; p99Ms: number | null };
}

export function createLagWindow(size = 1000): LagWindow {
  const lags = new Float64Array(size);
  let next = 0;
  let filled = 0;
  let lastMs: number | null = null;
  const rounded = (ms: number) => Math.round(ms * 10) / 10;
  return {
    record(seconds) {
      lastMs = seconds * 1000;
      lags[next] = lastMs;
      next = (next + 1) % size;
      filled = Math.min(filled + 1, size);
    },
    summary() {
      const p99 = percentile99(lags.subarray(0, filled));
      return {
        events: filled,
        lastMs: lastMs === null ? null : rounded(lastMs),
        p99Ms: p99 === undefined ? null : rounded(p99),
      };
    },
  };
}
