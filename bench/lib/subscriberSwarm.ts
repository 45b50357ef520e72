/**
 * Many mobile clients in one process of their own, apart from the gateway they load: each its
 * own WebSocket (graphql-ws), all subscribed to one operation. Driven over IPC by
 * subscriptionLoad.ts: `subscribe` opens them (a batch at a time, as a crowd of phones would
 * arrive, not one SYN flood), then every pushed event is timed on arrival under the key the
 * driver gave it (its `keyOf` path's value, e.g. order id and version); `report` turns the
 * arrivals into latencies against the publish times the driver sends (`count` says how many
 * arrived so far); `close` ends them all.
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintDevToken, type Role } from '../../gateway/auth/tokens.ts';

export interface SwarmSubscribe {
  type: 'subscribe';
  url: string;
  count: number;
  query: string;
  variables: Record<string, unknown>;
  connectionParams: Record<string, unknown>;
  /**
   * Each client its own caller, as phones are: a development token per client (subject
   * `phone-<n>`), signed with this secret, as `connectionParams.authorization`.
   */
  tokenPerClient?: { secret: string; role: Role; locations: string[] } | undefined;
  /** The fields of the root field's value that together name an event, e.g. ['id', 'version']. */
  keyFields: string[];
}
export interface SwarmReport {
  type: 'report';
  /** When each event was published, by key (epoch ms). */
  publishedAt: Record<string, number>;
}
export type SwarmCommand = SwarmSubscribe | SwarmReport | { type: 'count' } | { type: 'close' };

export type SwarmMessage =
  | { type: 'subscribed'; connected: number; failed: number }
  | { type: 'count'; arrivals: number }
  | {
      type: 'report';
      /** Arrivals of published events, and their latency percentiles in ms. */
      delivered: number;
      latencyMs: { p50: number; p99: number; max: number };
      /** First publish to last arrival, ms. */
      spanMs: number;
      /** Arrivals whose key was never published, and errors pushed. */
      unexpected: number;
      errors: number;
    }
  | { type: 'closed' };

const send = (message: SwarmMessage) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();
const connectBatch = 250;

let clients: Client[] = [];
/** Arrival times per event key: one entry per client that got it. */
const arrivals = new Map<string, number[]>();
let errors = 0;
let arrivalCount = 0;
/** Clients started so far: each one's number, e.g. for its own caller's subject. */
let started = 0;

async function subscribeAll(command: SwarmSubscribe): Promise<void> {
  let connected = 0;
  let failed = 0;
  for (let start = 0; start < command.count; start += connectBatch) {
    const batch = Math.min(connectBatch, command.count - start);
    await Promise.all(
      Array.from({ length: batch }, () => subscribeOne(command, ++started)).map((opening) =>
        opening.then(
          () => {
            connected += 1;
          },
          () => {
            failed += 1;
          },
        ),
      ),
    );
  }
  send({ type: 'subscribed', connected, failed });
}

async function subscribeOne(command: SwarmSubscribe, index: number): Promise<void> {
  const caller = command.tokenPerClient;
  const connectionParams = caller
    ? {
        ...command.connectionParams,
        authorization: `Bearer ${await mintDevToken(caller.secret, {
          subject: `phone-${index}`,
          role: caller.role,
          locations: caller.locations,
        })}`,
      }
    : command.connectionParams;
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: command.url,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => resolve(), closed: () => reject(new Error('closed')) },
      onNonLazyError: reject,
    });
    clients.push(client);
    client.subscribe(
      { query: command.query, variables: command.variables },
      {
        next: (result) => {
          const at = now();
          const root = result.data ? Object.values(result.data)[0] : undefined;
          if (!root || result.errors) {
            errors += 1;
            return;
          }
          const key = command.keyFields
            .map((field) => String((root as Record<string, unknown>)[field]))
            .join(':');
          let times = arrivals.get(key);
          if (!times) {
            times = [];
            arrivals.set(key, times);
          }
          times.push(at);
          arrivalCount += 1;
        },
        error: () => {
          errors += 1;
        },
        complete: () => undefined,
      },
    );
  });
}

function report(publishedAt: Record<string, number>): SwarmMessage {
  const latencies: number[] = [];
  let unexpected = 0;
  let lastArrival = 0;
  for (const [key, times] of arrivals) {
    const published = publishedAt[key];
    if (published === undefined) {
      unexpected += times.length;
      continue;
    }
    for (const time of times) {
      latencies.push(time - published);
      if (time > lastArrival) lastArrival = time;
    }
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const firstPublish = Math.min(...Object.values(publishedAt));
  arrivals.clear();
  arrivalCount = 0;
  return {
    type: 'report',
    delivered: latencies.length,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 },
    spanMs: lastArrival > 0 ? lastArrival - firstPublish : 0,
    unexpected,
    errors,
  };
}

process.on('message', (command: SwarmCommand) => {
  if (command.type === 'subscribe') {
    void subscribeAll(command);
  } else if (command.type === 'count') {
    send({ type: 'count', arrivals: arrivalCount });
  } else if (command.type === 'report') {
    send(report(command.publishedAt));
  } else {
    const closing = clients;
    clients = [];
    void Promise.all(closing.map((client) => client.dispose())).then(() => {
      send({ type: 'closed' });
      process.disconnect?.();
    });
  }
});
