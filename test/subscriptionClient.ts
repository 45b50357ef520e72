import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { expect } from 'vitest';
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

/**
 * The operation ids of subscriptions made here and not yet awaited by `untilSubscribed`, by the
 * gateway URL their client connected to; each subscribe message's id is chosen here so the
 * gateway can be asked about exactly it.
 */
const pendingByUrl = new Map<string, { id: string; ended: Promise<unknown> }[]>();
const idOfPayload = new WeakMap<object, string>();
const urlOfClient = new WeakMap<Client, string>();

/** A graphql-ws client; its `connection_init` carries the origin's default headers (graphqlClient.ts). */
export function connect(url: string, connectionParams?: Record<string, unknown>): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: connectionParams ?? headersFor(url),
    generateID: (payload) => idOfPayload.get(payload) ?? randomUUID(),
  });
  urlOfClient.set(client, url);
  return client;
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
  const payload = { query, variables, ...(extensions ? { extensions } : {}) };
  const url = urlOfClient.get(client);
  let disposed = () => {};
  const gone = new Promise<void>((resolve) => {
    disposed = resolve;
  });
  if (url) {
    const id = randomUUID();
    idOfPayload.set(payload, id);
    // One that fails, completes or is disposed is not waited for.
    const ended = Promise.race([failure, completed, gone]);
    pendingByUrl.set(url, [...(pendingByUrl.get(url) ?? []), { id, ended }]);
  }
  const dispose = client.subscribe(payload, {
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
  });
  return {
    results,
    eventIds,
    occurredAts,
    failure,
    completed,
    dispose() {
      disposed();
      dispose();
    },
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
 * Waits until every subscription made through `subscribe` on a client of this gateway is live:
 * the gateway says its upstream subscription's subgraph has it on its event bus, so an event
 * published from then on reaches it. Then checks the gateway holds at least `upstreams` open
 * upstream subscriptions and `subscribers` client subscriptions.
 */
export async function untilSubscribed(
  gateway: {
    url: string;
    subscriptions: {
      whenLive(operationId: string): Promise<void> | undefined;
      subscriptions: { openUpstreams(): number; subscribers(): number };
    };
  },
  upstreams: number,
  subscribers = 1,
): Promise<void> {
  const pending = pendingByUrl.get(gateway.url) ?? [];
  pendingByUrl.delete(gateway.url);
  const deadline = Date.now() + 5_000;
  await Promise.all(
    pending.map(async ({ id, ended }) => {
      let over = false;
      void ended.then(() => {
        over = true;
      });
      // The subscribe message is on its way: poll until the gateway has handled it.
      let live = gateway.subscriptions.whenLive(id);
      while (!live && !over) {
        if (Date.now() > deadline) throw new Error(`subscription ${id} never reached the gateway`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        live = gateway.subscriptions.whenLive(id);
      }
      if (live) await Promise.race([live, ended]);
    }),
  );
  const { subscriptions } = gateway.subscriptions;
  expect(subscriptions.openUpstreams()).toBeGreaterThanOrEqual(upstreams);
  expect(subscriptions.subscribers()).toBeGreaterThanOrEqual(subscribers);
}

/**
 * For subscriptions a client library opened (its own operation ids, or an HTTP stream): waits
 * until the gateway holds `subscribers` client subscriptions and `upstreams` upstream ones, each
 * live at its subgraph, so an event published from then on reaches them.
 */
export async function untilLive(
  gateway: {
    subscriptions: {
      subscriptions: { subscribers(): number; establishedUpstreams(): number };
    };
  },
  subscribers: number,
  upstreams = 1,
): Promise<void> {
  const { subscriptions } = gateway.subscriptions;
  await expect
    .poll(() => [subscriptions.subscribers(), subscriptions.establishedUpstreams()], {
      timeout: 5_000,
      interval: 5,
    })
    .toEqual([subscribers, upstreams]);
}
