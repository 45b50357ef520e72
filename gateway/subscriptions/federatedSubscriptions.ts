import type { ServiceMap } from '@apollo/gateway';
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  Kind,
  type SelectionNode,
} from 'graphql';
import type { Counters } from '../../platform/counters.ts';
import { type Metrics, secondsSince } from '../../platform/metrics.ts';
import { createPushIterator } from '../../platform/pushIterator.ts';
import { traceEventHandling } from '../../platform/spans.ts';
import { createEventResolver } from './eventResolution.ts';
import { createSharingRegistry, type SharedSubscription } from './sharingRegistry.ts';
import type { SubgraphSockets } from './subgraphSockets.ts';
import {
  asGraphQLError,
  historyExpired,
  slowSubscriber,
  supergraphChanged,
} from './subscriptionErrors.ts';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscriptionPlanner.ts';
import { openUpstreamSubscription } from './upstreamSubscription.ts';

/**
 * Runs federated subscriptions, which `@apollo/gateway`'s executor refuses. The pieces:
 * - sharingRegistry.ts: identical subscriptions share one upstream and one resolution per event;
 * - upstreamSubscription.ts: the primary fetch, open at the owning subgraph, resumable;
 * - eventResolution.ts: each event resolved across the other subgraphs, bounded in concurrency;
 * - platform/pushIterator.ts: each subscriber's bounded queue (SLOW_SUBSCRIBER past it).
 *
 * Every result carries the event's position in the subgraph's bus as `extensions.eventId` and
 * the vendor's change time as `extensions.occurredAt`, as the subgraph sent them; the gateway
 * observes `event_delivery_lag_seconds` from the latter. When a client's resume point is older
 * than the kept history, it gets one HISTORY_EXPIRED error and the subscription completes.
 */
export interface SubscribeRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** The context of the first subscriber; every sharer has the same scope. */
  context: Record<string, unknown>;
  /** Who may see what (roles and locations): subscriptions are shared only within one scope. */
  scope: string;
  /** The last `extensions.eventId` the client received: resume after it. */
  lastEventId?: string | undefined;
  /** Without `lastEventId`: resume from the events since this time (epoch ms). */
  since?: number | undefined;
}

export interface FederatedSubscriptions {
  /** `live`: resolves once the subgraph says the (shared) upstream subscription is live. */
  subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> & {
    live: Promise<void>;
  };
  /** Upstream subscriptions open right now (one per distinct shared subscription). */
  openUpstreams(): number;
  /** Of the upstream subscriptions open right now, those their subgraph has said are live. */
  establishedUpstreams(): number;
  /** Client subscriptions open right now. */
  subscribers(): number;
  /**
   * After a supergraph change: subscriptions whose operation the new schema still accepts keep
   * running; the others get one SUPERGRAPH_CHANGED error and complete.
   */
  revalidate(isValid: (document: DocumentNode) => boolean): void;
  close(): void;
}

export interface FederatedSubscriptionsOptions {
  planner: () => SubscriptionPlanner;
  /** Data sources for the entity fetches of `rest`, by subgraph name. */
  dataSources: () => ServiceMap;
  subgraphUrl(name: string): string;
  /** The caller's identity, signed for the subgraph, sent with the primary subscription. */
  signedIdentity?: (context: Record<string, unknown>) => Record<string, string>;
  sockets: SubgraphSockets;
  counters: Counters;
  /** Where `event_delivery_lag_seconds` is observed. */
  metrics: Pick<Metrics, 'observe'>;
  /** Most events one subscriber may have waiting before it is ended (default 1000). */
  maxBacklog?: number | undefined;
  /** Most event resolutions running at once (default `defaultMaxConcurrentResolutions`). */
  maxConcurrentResolutions?: number | undefined;
  /** Tries again for an event whose resolution failed transiently (eventResolution.ts). */
  resolutionRetries?: number | undefined;
  resolutionRetryDelayMs?: { initial: number; max: number } | undefined;
  /** Shapes each event's errors once, before the fan-out (production: maskInternalErrors). */
  formatError?:
    | ((error: { message: string; extensions?: Record<string, unknown> }) => unknown)
    | undefined;
}

/** Events one subscriber may have waiting, unless configured (SUBSCRIPTION_MAX_BACKLOG). */
export const defaultMaxBacklog = 1000;

export function createFederatedSubscriptions(
  options: FederatedSubscriptionsOptions,
): FederatedSubscriptions {
  const { sockets, counters, metrics } = options;
  const maxBacklog = options.maxBacklog ?? defaultMaxBacklog;
  const registry = createSharingRegistry();
  const resolver = createEventResolver({
    planner: options.planner,
    dataSources: options.dataSources,
    counters,
    maxConcurrent: options.maxConcurrentResolutions,
    retries: options.resolutionRetries,
    retryDelayMs: options.resolutionRetryDelayMs,
  });

  function open(request: SubscribeRequest, endAll: () => void): SharedSubscription {
    const plan = options.planner().plan(request.document, request.operationName);
    const listeners: SharedSubscription['listeners'] = new Set();
    const broadcast = (result: ExecutionResult) => {
      for (const listener of listeners) listener.push(result);
    };
    const field = rootFieldOf(plan.operationContext);
    const subgraph = plan.primary.serviceName;
    // Every subscriber sees the events in the subgraph's order: each delivery waits for the one
    // before it, while the resolutions themselves run concurrently.
    let delivery = Promise.resolve();
    const upstream = openUpstreamSubscription({
      sockets,
      subgraphUrl: options.subgraphUrl(subgraph),
      plan,
      variables: Object.fromEntries(
        (plan.primary.variableUsages ?? []).map((name) => [name, request.variables[name]]),
      ),
      identity: options.signedIdentity ? options.signedIdentity(request.context) : {},
      lastEventId: request.lastEventId,
      since: request.since,
      counters,
      on: {
        event: (event) => {
          const resolved = resolveTraced(plan, field, request, event);
          delivery = delivery.then(() => resolved).then((result) => deliver(event, result));
        },
        expired: (message) => {
          delivery = delivery.then(() => broadcast(historyExpired(message, request.lastEventId)));
        },
        error: (error) => {
          delivery = delivery.then(() => {
            broadcast({ errors: [asGraphQLError(error)] });
            endAll();
          });
        },
        complete: () => {
          delivery = delivery.then(endAll);
        },
      },
    });
    // The lag is observed once per upstream event, after its resolution and just before the
    // fan-out, not once per subscriber: every sharer gets the one result at the same moment, so
    // the histogram counts events and a popular subscription does not outweigh a rare one.
    const deliver = (event: ExecutionResult, result: ExecutionResult) => {
      const { eventId, occurredAt } = event.extensions ?? {};
      const about = {
        ...(typeof eventId === 'string' ? { eventId } : {}),
        ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
      };
      const lag = typeof occurredAt === 'string' ? secondsSince(occurredAt) : undefined;
      if (lag !== undefined && listeners.size > 0) {
        metrics.observe('event_delivery_lag_seconds', { field }, lag);
      }
      const shaped =
        options.formatError && result.errors
          ? {
              ...result,
              errors: result.errors.map(
                (error) =>
                  options.formatError?.(
                    typeof error.toJSON === 'function' ? error.toJSON() : error,
                  ) as GraphQLError,
              ),
            }
          : result;
      broadcast(
        Object.keys(about).length > 0
          ? { ...shaped, extensions: { ...shaped.extensions, ...about } }
          : shaped,
      );
    };
    return {
      listeners,
      document: request.document,
      field,
      stop: upstream.stop,
      live: upstream.established,
      isLive: upstream.isEstablished,
    };
  }

  /** One event's resolution, as a span continuing the change's trace from the subgraph. */
  function resolveTraced(
    plan: SubscriptionPlan,
    field: string,
    request: SubscribeRequest,
    event: ExecutionResult,
  ): Promise<ExecutionResult> {
    const traceparent = event.extensions?.traceparent;
    return traceEventHandling(
      `subscription event ${field}`,
      {
        'graphql.subscription.field': field,
        'subgraph.name': plan.primary.serviceName,
        'event.id': String(event.extensions?.eventId),
      },
      typeof traceparent === 'string' ? traceparent : undefined,
      () => resolver.resolve(plan, request, event),
    ).then(
      (result) => result,
      (error: unknown): ExecutionResult => ({ errors: [asGraphQLError(error)] }),
    );
  }

  return {
    subscribe(request) {
      /** The last event handed to this subscriber's socket: where it can resume. */
      let lastEventId = request.lastEventId;
      let field = 'unknown';
      let leave = () => {};
      const queue = createPushIterator<ExecutionResult>({
        maxQueued: maxBacklog,
        // A client that does not read (a phone gone to sleep with its socket open) must not
        // hold the gateway's memory: it is told where to resume, and let go.
        overflow: () => {
          counters.increment('slow_subscribers_dropped', { field });
          return slowSubscriber(maxBacklog, lastEventId);
        },
        onDeliver: (result) => {
          const eventId = result.extensions?.eventId;
          if (typeof eventId === 'string') lastEventId = eventId;
        },
        onClose: () => leave(),
      });
      const joined = registry.join(request, (endAll) => open(request, endAll), queue);
      field = joined.entry.field;
      leave = joined.leave;
      return Object.assign(queue, { live: joined.entry.live });
    },
    subscribers: () => registry.subscribers(),
    openUpstreams() {
      return (
        counters.get('upstream_subscriptions_opened') -
        counters.get('upstream_subscriptions_closed')
      );
    },
    establishedUpstreams: () => registry.count((entry) => entry.isLive()),
    revalidate: (isValid) => registry.revalidate(isValid, supergraphChanged),
    close: () => registry.close(),
  };
}

/**
 * The subscription's root field (an operation has exactly one), the lag histogram's label: a
 * field of the schema, so the label's values are bounded whatever clients send.
 */
function rootFieldOf(context: SubscriptionPlan['operationContext']): string {
  let selections: readonly SelectionNode[] = context.operation.selectionSet.selections;
  for (;;) {
    const [first] = selections;
    if (!first) return 'unknown';
    if (first.kind === Kind.FIELD) return first.name.value;
    selections =
      first.kind === Kind.INLINE_FRAGMENT
        ? first.selectionSet.selections
        : (context.fragments[first.name.value]?.selectionSet.selections ?? []);
  }
}
