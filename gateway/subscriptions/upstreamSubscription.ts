import type { ExecutionResult } from 'graphql';
import type { Counters } from '../../platform/counters.ts';
import type { SubgraphSockets } from './subgraphSockets.ts';
import { historyExpiredCode } from './subscriptionErrors.ts';
import type { SubscriptionPlan } from './subscriptionPlanner.ts';

/**
 * A subscription's primary fetch, open at its owning subgraph over the shared graphql-ws
 * connection (subgraphSockets.ts). It remembers the last event position it saw and resumes from
 * there when graphql-ws re-subscribes after a dropped connection, so a restarting subgraph
 * instance loses no event; a resuming client's subscription starts after its `lastEventId`.
 * The subgraph's first message carries the position the subscription started at, so it has a
 * resume point before any event arrives (a subgraph killed at once loses nothing either).
 *
 * The subgraph says when the subscription is live on its event bus (the first message, with
 * `extensions.established`, asked for by `extensions.announceEstablished`): that message is
 * never passed on, and is counted as `upstream_subscriptions_established{subgraph}`. graphql-ws
 * has no acknowledgement of its own, so without it nobody could know when an event published
 * at the subgraph would be seen.
 */
export interface UpstreamEvents {
  /** An event, with what the subgraph said about it (`eventId`, `occurredAt`, `traceparent`). */
  event(result: ExecutionResult): void;
  /** The resume point is older than the subgraph keeps: the message to pass on. */
  expired(message: string): void;
  error(error: unknown): void;
  complete(): void;
}

export interface UpstreamSubscription {
  /** Resolves the first time the subgraph says the subscription is live. */
  established: Promise<void>;
  isEstablished(): boolean;
  stop(): void;
}

export function openUpstreamSubscription(options: {
  sockets: SubgraphSockets;
  subgraphUrl: string;
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  /** The caller's signed identity, sent with the subscription. */
  identity: Record<string, string>;
  lastEventId: string | undefined;
  /** Without `lastEventId`: resume from the events since this time (epoch ms). */
  since?: number | undefined;
  counters: Counters;
  on: UpstreamEvents;
}): UpstreamSubscription {
  const { plan, counters, on } = options;
  const subgraph = plan.primary.serviceName;
  let markEstablished = () => {};
  let live = false;
  const established = new Promise<void>((resolve) => {
    markEstablished = resolve;
  });
  // graphql-ws sends this same object again when it re-subscribes after a reconnect, so the
  // position updated below is where the subgraph resumes. The signed identity sits beside it.
  const extensions: Record<string, unknown> = {
    ...options.identity,
    announceEstablished: true,
    ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
    ...(!options.lastEventId && options.since !== undefined ? { since: options.since } : {}),
  };
  counters.increment('upstream_subscriptions_opened', { subgraph });
  const unsubscribe = options.sockets.subscribe(
    options.subgraphUrl,
    {
      query: plan.primary.operation,
      variables: options.variables,
      operationName: plan.primary.operationName,
      extensions,
    },
    {
      next: (result) => {
        if (result.extensions?.established === true && result.data === undefined) {
          const { eventId } = result.extensions;
          if (typeof eventId === 'string' && extensions.lastEventId === undefined) {
            extensions.lastEventId = eventId;
          }
          counters.increment('upstream_subscriptions_established', { subgraph });
          live = true;
          markEstablished();
          return;
        }
        const expired = result.errors?.find(
          (error) => error.extensions?.code === historyExpiredCode,
        );
        if (expired) {
          on.expired(expired.message);
          return;
        }
        const eventId = result.extensions?.eventId;
        if (typeof eventId === 'string') extensions.lastEventId = eventId;
        on.event(result);
      },
      error: (error) => on.error(error),
      complete: () => on.complete(),
    },
  );
  let stopped = false;
  return {
    established,
    isEstablished: () => live,
    stop() {
      if (stopped) return;
      stopped = true;
      counters.increment('upstream_subscriptions_closed', { subgraph });
      unsubscribe();
    },
  };
}
