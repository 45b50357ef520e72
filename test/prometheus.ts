/** Reads one series from a Prometheus text scrape: the value of `name` whose labels include `labels`. */
export function sample(
  scrape: string,
  name: string,
  labels: Record<string, string | number> = {},
): number | undefined {
  for (const line of scrape.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === String(value))) {
      return Number(match[3]);
    }
  }
  return undefined;
}
