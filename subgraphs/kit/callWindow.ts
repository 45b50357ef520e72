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
      const sorted = Array.from(durations.subarray(0, filled)).sort((a, b) => a - b);
      const p99 = sorted[Math.min(filled - 1, Math.ceil(filled * 0.99) - 1)] ?? 0;
      let failed = 0;
      for (let i = 0; i < filled; i++) failed += failures[i] ?? 0;
      return { calls: filled, p99Ms: Math.round(p99 * 10) / 10, errorRate: failed / filled };
    },
  };
}
