/**
 * How every Redis client of a subgraph connects: a command fails at once while Redis is away
 * (no offline queue that would hold a query until it returns), reconnects are retried every
 * few hundred ms up to 2 s apart, and `withTimeout` bounds a command against a Redis that
 * accepts but does not answer. What each caller does then (cache miss, local rate limit, a
 * webhook refused for the vendor to retry) is the degraded mode.
 */
export function redisClientOptions(url: string) {
  return {
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1_000,
      reconnectStrategy: (retries: number) => Math.min(100 + retries * 100, 2_000),
    },
  };
}

/** Longest a cache or store command may take before its caller goes on without it. */
export const redisCommandTimeoutMs = 500;

export async function withTimeout<T>(
  work: Promise<T>,
  ms = redisCommandTimeoutMs,
  what = 'redis command',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts connecting a Keyv Redis store at once and resolves when that attempt settles (either
 * way), so no command's timeout is spent on connecting; without a store, at once.
 */
export function connectEarly(store: { getClient(): Promise<unknown> } | undefined): Promise<void> {
  return store
    ? store.getClient().then(
        () => undefined,
        () => undefined,
      )
    : Promise.resolve();
}
