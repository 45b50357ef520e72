import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * What one subgraph request hands down to the vendor calls it causes, without threading it
 * through resolvers, loaders and stores: its deadline (the request budget every vendor call,
 * retries and waits included, must end within) and the stale cache entries served in place of
 * a failed vendor call, reported in the response as
 * `extensions.staleData: [{ kind, ageMs }]` (the oldest entry served per kind).
 *
 * The scope follows the request's async work (AsyncLocalStorage). A vendor call made outside
 * any request (a webhook handler, a poller) has no scope: it gets a budget of its own.
 */
export interface StaleData {
  kind: string;
  ageMs: number;
}

interface RequestScope {
  deadline: number;
  stale: Map<string, number>;
  /** The gateway's request id, passed on to the vendor calls (x-request-id). */
  requestId?: string | undefined;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function withRequestScope<T>(budgetMs: number, run: () => T, requestId?: string): T {
  return scopes.run({ deadline: Date.now() + budgetMs, stale: new Map(), requestId }, run);
}

/** The current request's id, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return scopes.getStore()?.requestId;
}

/** When the current request's budget ends (ms since the epoch), or undefined outside one. */
export function requestDeadline(): number | undefined {
  return scopes.getStore()?.deadline;
}

/** Records that `kind` was answered from a cache entry `ageMs` old because the vendor failed. */
export function noteStaleData(kind: string, ageMs: number): void {
  const stale = scopes.getStore()?.stale;
  if (stale) stale.set(kind, Math.max(stale.get(kind) ?? 0, Math.round(ageMs)));
}

/** What the current request served stale so far, oldest entry per kind. */
export function staleDataSoFar(): StaleData[] {
  return [...(scopes.getStore()?.stale ?? [])].map(([kind, ageMs]) => ({ kind, ageMs }));
}

/** Adds `extensions.staleData` to a response that served anything stale. */
export function staleDataPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const staleData = staleDataSoFar();
          if (staleData.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, staleData };
        },
      };
    },
  };
}
