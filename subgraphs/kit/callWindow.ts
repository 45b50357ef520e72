/**
 * The most recent vendor calls of one upstream (duration and outcome), for the status page:
 * p99 latency and error rate over the last `size` calls, cheap to keep and to read.
 */
export interface CallWindow {
  record(milliseconds: number, ok: boolean): void;
  summary(): { calls: number; p99Ms: number | null; errorRate: number | null };
}

export function createCallWindow(size = 1000): CallWindow {
  const durations = new Float64Array(size);
  const failures = new Uint8Array(size);
  let next = 0;
  let filled = 0;
  return {
    record(milliseconds, ok) {
      durations[next] = milliseconds;
      failures[next] = ok ? 0 : 1;
      next = (next + 1) % size;
      filled = Math.min(filled + 1, size);
    },
    summary() {
      if (filled === 0) return { calls: 0, p99Ms: null, errorRate: null };
      const p99 = percentile99(durations.subarray(0, filled)) ?? 0;
      let failed = 0;
      for (let i = 0; i < filled; i++) failed += failures[i] ?? 0;
      return { calls: filled, p99Ms: Math.round(p99 * 10) / 10, errorRate: failed / filled };
    },
  };
}

/** The 99th percentile of `samples` (nearest rank), or undefined when there are none. */
export function percentile99(samples: ArrayLike<number>): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}
