import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import type { PlanNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  Kind,
  print,
  type SelectionNode,
} from 'graphql';
import type { Counters } from '../../platform/counters.ts';
import { type Metrics, secondsSince } from '../../platform/metrics.ts';
import { traceEventHandling } from '../../platform/spans.ts';
import type { SubgraphSockets } from './subgraphSockets.ts';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscriptionPlanner.ts';

/**
 * Runs federated subscriptions, which `@apollo/gateway`'s executor refuses: the plan's primary
 * fetch is opened as a graphql-ws subscription to the owning subgraph, and for every event the
 * plan `Sequence [primary, rest]` runs through the gateway's own `executeQueryPlan`, with the
 * primary's service answering from the event. Result shaping, `@inaccessible` filtering and
 * errors therefore match queries exactly.
 *
 * Identical subscriptions (operation, variables, the callers' roles and locations) share one
 * upstream subscription and one resolution per event, fanned out to every subscriber in event
 * order.
 *
 * Every result carries the event's position in the subgraph's bus as `extensions.eventId` and
 * the vendor's change time as `extensions.occurredAt`, as the subgraph sent them; the gateway
 * observes `event_delivery_lag_seconds` from the latter. A
 * client that resumes (`lastEventId`) gets an upstream subscription of its own, opened after
 * that position, so the subgraph replays what it missed before the live events. Every upstream
 * also remembers the last position it saw and resumes from there when graphql-ws re-subscribes
 * after a dropped subgraph connection, so a restarting subgraph instance loses no event. When
 * the position is older than the kept history, the subscriber gets one HISTORY_EXPIRED error and
 * the subscription completes.
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
}

export interface FederatedSubscriptions {
  subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult>;
  /** Upstream subscriptions open right now (one per distinct shared subscription). */
  openUpstreams(): number;
  /** Client subscriptions open right now. */
  subscribers(): number;
  /**
   * After a supergraph change: subscriptions whose operation the new schema still accepts keep
   * running; the others get one SUPERGRAPH_CHANGED error and complete.
   */
  revalidate(isValid: (document: DocumentNode) => boolean): void;
  close(): void;
}

interface Listener {
  push(result: ExecutionResult): void;
  end(): void;
}

interface Shared {
  listeners: Set<Listener>;
  document: DocumentNode;
  /** The subscription's root field, for metrics. */
  field: string;
  stop(): void;
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
}

/** Events one subscriber may have waiting, unless configured (SUBSCRIPTION_MAX_BACKLOG). */
export const defaultMaxBacklog = 1000;

export function createFederatedSubscriptions(
  options: FederatedSubscriptionsOptions,
): FederatedSubscriptions {
  const { sockets, counters, metrics } = options;
  const maxBacklog = options.maxBacklog ?? defaultMaxBacklog;
  const shared = new Map<string, Shared>();
  let resumed = 0;

  async function resolveEvent(
    plan: SubscriptionPlan,
    request: SubscribeRequest,
    event: ExecutionResult,
  ): Promise<ExecutionResult> {
    counters.increment('subscription_event_resolutions', { subgraph: plan.primary.serviceName });
    const planner = options.planner();
    const serviceMap: ServiceMap = {
      ...options.dataSources(),
      [plan.primary.serviceName]: {
        process: async () => ({
          data: event.data ?? null,
          ...(event.errors
            ? { errors: event.errors.map((e) => ({ ...e, message: e.message })) }
            : {}),
        }),
      },
    };
    const node: PlanNode = plan.rest
      ? { kind: 'Sequence', nodes: [plan.primary, plan.rest] }
      : plan.primary;
    // executeQueryPlan reads the request's variables, its context and its metrics only.
    const requestContext = {
      request: {
        query: printed(request.document),
        variables: request.variables,
        operationName: request.operationName,
      },
      context: request.context,
      metrics: {},
    } as unknown as GatewayGraphQLRequestContext;
    const result = await executeQueryPlan(
      { kind: 'QueryPlan', node },
      serviceMap,
      requestContext,
      plan.operationContext,
      planner.supergraphSchema,
      planner.apiSchema,
    );
    return result as ExecutionResult;
  }

  function open(key: string, request: SubscribeRequest): Shared {
    const plan = options.planner().plan(request.document, request.operationName);
    const listeners = new Set<Listener>();
    const variables = Object.fromEntries(
      (plan.primary.variableUsages ?? []).map((name) => [name, request.variables[name]]),
    );
    let delivery = Promise.resolve();
    const broadcast = (result: ExecutionResult) => {
      for (const listener of listeners) listener.push(result);
    };
    const endAll = () => {
      for (const listener of listeners) listener.end();
      shared.delete(key);
    };
    const subgraph = plan.primary.serviceName;
    const field = rootFieldOf(plan.operationContext);
    counters.increment('upstream_subscriptions_opened', { subgraph });
    let closed = false;
    // graphql-ws sends this same object again when it re-subscribes after a reconnect, so the
    // position updated below is where the subgraph resumes. The signed identity sits beside it.
    const extensions: Record<string, unknown> = {
      ...(options.signedIdentity ? options.signedIdentity(request.context) : {}),
      ...(request.lastEventId ? { lastEventId: request.lastEventId } : {}),
    };
    const unsubscribe = sockets.subscribe(
      options.subgraphUrl(subgraph),
      {
        query: plan.primary.operation,
        variables,
        operationName: plan.primary.operationName,
        extensions,
      },
      {
        // Every subscriber sees the events in the subgraph's order.
        next: (event) => {
          const expired = event.errors?.find(
            (error) => error.extensions?.code === historyExpiredCode,
          );
          if (expired) {
            delivery = delivery.then(() =>
              broadcast({
                errors: [
                  new GraphQLError(expired.message, {
                    extensions: { code: historyExpiredCode, lastEventId: request.lastEventId },
                  }),
                ],
              }),
            );
            return;
          }
          const { eventId, occurredAt } = event.extensions ?? {};
          if (typeof eventId === 'string') extensions.lastEventId = eventId;
          const about = {
            ...(typeof eventId === 'string' ? { eventId } : {}),
            ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
          };
          // The lag is observed once per upstream event, after its resolution and just before
          // the fan-out, not once per subscriber: every sharer gets the one result at the same
          // moment, so the histogram counts events (what a vendor change costs to reach clients)
          // and a popular subscription does not outweigh a rare one.
          const deliver = (result: ExecutionResult) => {
            const lag = typeof occurredAt === 'string' ? secondsSince(occurredAt) : undefined;
            if (lag !== undefined && listeners.size > 0) {
              metrics.observe('event_delivery_lag_seconds', { field }, lag);
            }
            broadcast(
              Object.keys(about).length > 0
                ? { ...result, extensions: { ...result.extensions, ...about } }
                : result,
            );
          };
          // Resolution starts at once, so a burst of events resolves concurrently; delivery
          // still waits for every earlier event's, in the subgraph's order.
          const traceparent = event.extensions?.traceparent;
          const resolved = traceEventHandling(
            `subscription event ${field}`,
            {
              'graphql.subscription.field': field,
              'subgraph.name': subgraph,
              'event.id': String(eventId),
            },
            typeof traceparent === 'string' ? traceparent : undefined,
            () => resolveEvent(plan, request, event),
          ).then(
            (result) => result,
            (error: unknown): ExecutionResult => ({ errors: [asGraphQLError(error)] }),
          );
          delivery = delivery.then(() => resolved).then(deliver);
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
    );
    return {
      listeners,
      document: request.document,
      field,
      stop() {
        if (closed) return;
        closed = true;
        counters.increment('upstream_subscriptions_closed', { subgraph });
        unsubscribe();
      },
    };
  }

  return {
    subscribe(request) {
      // A resuming client is at its own position in the stream: it shares with no one.
      const key = JSON.stringify([
        printed(request.document),
        request.operationName ?? null,
        request.variables,
        request.scope,
        request.lastEventId ? `resume:${request.lastEventId}:${++resumed}` : null,
      ]);
      let entry = shared.get(key);
      if (!entry) {
        entry = open(key, request);
        shared.set(key, entry);
      }
      const current = entry;
      const queue: ExecutionResult[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      /** The last event handed to this subscriber's socket: where it can resume. */
      let lastEventId = request.lastEventId;
      const detach = () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0) {
          current.stop();
          if (shared.get(key) === current) shared.delete(key);
        }
      };
      const listener: Listener = {
        push(result) {
          if (ended) return;
          if (queue.length >= maxBacklog) {
            // A client that does not read (a phone gone to sleep with its socket open) must
            // not hold the gateway's memory: it is told where to resume, and let go.
            queue.length = 0;
            queue.push(slowSubscriber(maxBacklog, lastEventId));
            ended = true;
            detach();
            counters.increment('slow_subscribers_dropped', { field: current.field });
          } else {
            queue.push(result);
          }
          wake?.();
        },
        end() {
          ended = true;
          wake?.();
        },
      };
      current.listeners.add(listener);
      const leave = async (): Promise<IteratorResult<ExecutionResult>> => {
        ended = true;
        detach();
        wake?.();
        return { done: true, value: undefined };
      };
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next() {
          for (;;) {
            const result = queue.shift();
            if (result) {
              const eventId = result.extensions?.eventId;
              if (typeof eventId === 'string') lastEventId = eventId;
              return { done: false, value: result };
            }
            if (ended) return leave();
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        },
        return: leave,
        throw: async (error) => {
          await leave();
          throw error;
        },
      };
    },
    subscribers() {
      let count = 0;
      for (const entry of shared.values()) count += entry.listeners.size;
      return count;
    },
    openUpstreams() {
      return (
        counters.get('upstream_subscriptions_opened') -
        counters.get('upstream_subscriptions_closed')
      );
    },
    revalidate(isValid) {
      for (const [key, entry] of shared) {
        if (isValid(entry.document)) continue;
        const ended = new GraphQLError(
          'the supergraph changed and this operation is no longer valid',
          {
            extensions: { code: 'SUPERGRAPH_CHANGED' },
          },
        );
        for (const listener of entry.listeners) {
          listener.push({ errors: [ended] });
          listener.end();
        }
        entry.stop();
        shared.delete(key);
      }
    },
    close() {
      for (const entry of shared.values()) {
        entry.stop();
        for (const listener of entry.listeners) listener.end();
      }
      shared.clear();
    },
  };
}

/**
 * Subscribers of one operation share its document (subscriptionServer.ts caches it by query), so
 * each document is printed once, not on every subscribe and every event.
 */
const printedDocuments = new WeakMap<DocumentNode, string>();
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
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

/**
 * The one result a subscriber gets when it falls `backlog` events behind; it then completes. It
 * resumes by subscribing again with `extensions.lastEventId` (absent when it had received none).
 */
function slowSubscriber(backlog: number, lastEventId: string | undefined): ExecutionResult {
  return {
    errors: [
      new GraphQLError(
        `this subscriber fell ${backlog} events behind; subscribe again with extensions.lastEventId to resume`,
        { extensions: { code: 'SLOW_SUBSCRIBER', ...(lastEventId ? { lastEventId } : {}) } },
      ),
    ],
  };
}

/** The subgraphs' code (platform/errors.ts) for a resume point older than the kept history. */
const historyExpiredCode = 'HISTORY_EXPIRED';

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (Array.isArray(error) && error[0]?.message) {
    return new GraphQLError(error[0].message, {
      extensions: { code: 'SUBGRAPH_SUBSCRIPTION_ERROR' },
    });
  }
  const message = error instanceof Error ? error.message : 'subgraph subscription failed';
  return new GraphQLError(message, { extensions: { code: 'SUBGRAPH_SUBSCRIPTION_ERROR' } });
}
