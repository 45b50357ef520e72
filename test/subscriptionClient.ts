import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { headersFor } from './graphqlClient.ts';

/**
 * A graphql-ws client for tests: subscribes, keeps every result, and waits for the n-th one.
 */
export interface TestSubscription {
  /**
   * Every result, its `extensions.eventId` and `extensions.occurredAt` moved to `eventIds` and
   * `occurredAts` so tests compare payloads.
   */
  results: ExecutionResult[];
  /** Each result's `extensions.eventId` (the resume point), in result order. */
  eventIds: (string | undefined)[];
  /** Each result's `extensions.occurredAt` (the vendor's change time), in result order. */
  occurredAts: (string | undefined)[];
  /** Resolves once `count` results have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ExecutionResult[]>;
  /** Resolves with the error the server sent, if the operation failed. */
  failure: Promise<unknown>;
  completed: Promise<void>;
  dispose(): void;
}

/** The root field of a pushed result, or a thrown error naming what arrived instead. */
export function rootField<T>(result: ExecutionResult | undefined, field: string): T {
  const value = result?.data?.[field];
  if (value === undefined || value === null) {
    throw new Error(`no ${field} in ${JSON.stringify(result)}`);
  }
  return value as T;
}

/** A graphql-ws client; its `connection_init` carries the origin's default headers (graphqlClient.ts). */
export function connect(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: connectionParams ?? headersFor(url),
  });
}

export function subscribe(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  /** Sent with the subscribe message, e.g. `{ lastEventId }` to resume. */
  extensions?: Record<string, unknown>,
): TestSubscription {
  const results: ExecutionResult[] = [];
  const eventIds: (string | undefined)[] = [];
  const occurredAts: (string | undefined)[] = [];
  const waiters = new Set<() => void>();
  let fail: (error: unknown) => void = () => {};
  let complete: () => void = () => {};
  const failure = new Promise<unknown>((resolve) => {
    fail = resolve;
  });
  const completed = new Promise<void>((resolve) => {
    complete = resolve;
  });
  const dispose = client.subscribe(
    { query, variables, ...(extensions ? { extensions } : {}) },
    {
      next: (received) => {
        const { eventId, occurredAt, ...extensions } = (received.extensions ?? {}) as Record<
          string,
          unknown
        >;
        const { extensions: _, ...result } = received as ExecutionResult;
        eventIds.push(typeof eventId === 'string' ? eventId : undefined);
        occurredAts.push(typeof occurredAt === 'string' ? occurredAt : undefined);
        results.push(Object.keys(extensions).length > 0 ? { ...result, extensions } : result);
        for (const waiter of waiters) waiter();
      },
      error: (error) => fail(error),
      complete: () => complete(),
    },
  );
  return {
    results,
    eventIds,
    occurredAts,
    failure,
    completed,
    dispose,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (results.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(results.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`got ${results.length} of ${count} results: ${JSON.stringify(results)}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Waits until the gateway has `subscribers` clients on `upstreams` open upstream
 * subscriptions, then a moment more: the subgraph has the subscription shortly after the
 * gateway asked for it, and events published before that are not delivered.
 */
export async function untilSubscribed(
  gateway: { subscriptions: { subscriptions: { openUpstreams(): number; subscribers(): number } } },
  upstreams: number,
  subscribers = 1,
): Promise<void> {
  const { subscriptions } = gateway.subscriptions;
  for (
    let i = 0;
    i < 500 &&
    (subscriptions.openUpstreams() < upstreams || subscriptions.subscribers() < subscribers);
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
