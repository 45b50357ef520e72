/**
 * Monotonic counters with labels, kept in process: tests read exact values from them and the
 * metrics endpoint exports them. A series is a name plus its sorted label pairs.
 */
export type Labels = Record<string, string | number>;

export interface Counters {
  increment(name: string, labels: Labels, by?: number): void;
  /** The sum over every series of `name` whose labels include all of `match`. */
  get(name: string, match?: Labels): number;
  /** Every series as `name{label="value",...}` -> count. */
  snapshot(): Record<string, number>;
  /** Every series with its labels, for the metrics exporter. */
  series(): readonly { name: string; labels: Labels; value: number }[];
  reset(): void;
}

interface Series {
  name: string;
  labels: Labels;
  value: number;
}

export function createCounters(): Counters {
  const series = new Map<string, Series>();
  const keyOf = (name: string, labels: Labels) =>
    `${name}{${Object.keys(labels)
      .sort()
      .map((k) => `${k}="${labels[k]}"`)
      .join(',')}}`;

  return {
    increment(name, labels, by = 1) {
      const key = keyOf(name, labels);
      const found = series.get(key);
      if (found) found.value += by;
      else series.set(key, { name, labels: { ...labels }, value: by });
    },
    get(name, match = {}) {
      let sum = 0;
      for (const s of series.values()) {
        if (s.name !== name) continue;
        if (Object.entries(match).every(([k, v]) => String(s.labels[k]) === String(v))) {
          sum += s.value;
        }
      }
      return sum;
    },
    snapshot() {
      return Object.fromEntries([...series].map(([key, s]) => [key, s.value]));
    },
    series() {
      return [...series.values()];
    },
    reset() {
      series.clear();
    },
  };
}
