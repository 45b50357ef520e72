/**
 * Square's idempotency: the same key with the same request replays the first response; the
 * same key with a different request is `IDEMPOTENCY_KEY_REUSED`. Only successful responses
 * are remembered, so a refused request may be retried with its key.
 */
import { canonicalJson } from './canonical-json.ts';
import { squareError } from './square-errors.ts';

export interface IdempotencyStore {
  /** Runs `perform` once per (scope, key); without a key it always runs. */
  once(scope: string, key: string | undefined, request: unknown, perform: () => object): object;
}

export function createIdempotencyStore(): IdempotencyStore {
  const responses = new Map<string, { fingerprint: string; response: string }>();
  return {
    once: (scope, key, request, perform) => {
      if (key === undefined) return perform();
      const storeKey = `${scope}\n${key}`;
      const fingerprint = canonicalJson(request);
      const earlier = responses.get(storeKey);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw squareError(
            'IDEMPOTENCY_KEY_REUSED',
            `The idempotency key ${key} was already used with a different request.`,
            'idempotency_key',
          );
        }
        return JSON.parse(earlier.response) as object;
      }
      const response = perform();
      responses.set(storeKey, { fingerprint, response: JSON.stringify(response) });
      return response;
    },
  };
}
