import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import type { PlanNode, QueryPlan } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { bulkhead } from 'cockatiel';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import type { Counters } from '../../platform/counters.ts';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscriptionPlanner.ts';

/**
 * Resolves one subscription event across the other subgraphs: the plan `Sequence [primary,
 * rest]` runs through `@apollo/gateway`'s own `executeQueryPlan`, with the primary's service
 * answering from the event, so result shaping, `@inaccessible` filtering and errors match
 * queries exactly.
 *
 * At most `maxConcurrent` resolutions run at once in a gateway (the rest wait their turn, in
 * order): a burst of events cannot open unbounded subgraph requests or hold unbounded results.
 */
export interface EventResolutionRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: Record<string, unknown>;
}

export interface EventResolver {
  resolve(
    plan: SubscriptionPlan,
    request: EventResolutionRequest,
    event: ExecutionResult,
  ): Promise<ExecutionResult>;
  /** Resolutions running right now. */
  running(): number;
}

/** Resolutions one gateway runs at once, unless configured. */
export const defaultMaxConcurrentResolutions = 32;

export function createEventResolver(options: {
  planner: () => SubscriptionPlanner;
  dataSources: () => ServiceMap;
  counters: Counters;
  maxConcurrent?: number | undefined;
}): EventResolver {
  const slots = bulkhead(
    options.maxConcurrent ?? defaultMaxConcurrentResolutions,
    Number.POSITIVE_INFINITY,
  );
  let running = 0;
  const resolveNow = async (
    plan: SubscriptionPlan,
    request: EventResolutionRequest,
    event: ExecutionResult,
  ): Promise<ExecutionResult> => {
    options.counters.increment('subscription_event_resolutions', {
      subgraph: plan.primary.serviceName,
    });
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
    const result = await executeQueryPlan(
      eventQueryPlan(plan),
      serviceMap,
      resolutionContext(request),
      plan.operationContext,
      planner.supergraphSchema,
      planner.apiSchema,
    );
    return result as ExecutionResult;
  };
  return {
    resolve: (plan, request, event) =>
      slots.execute(async () => {
        running += 1;
        try {
          return await resolveNow(plan, request, event);
        } finally {
          running -= 1;
        }
      }),
    running: () => running,
  };
}

/** The plan one event runs: the primary fetch (answered from the event), then the rest. */
export function eventQueryPlan(plan: SubscriptionPlan): QueryPlan {
  const node: PlanNode = plan.rest
    ? { kind: 'Sequence', nodes: [plan.primary, plan.rest] }
    : plan.primary;
  return { kind: 'QueryPlan', node };
}

/**
 * The request context executeQueryPlan is given. It reads the request's variables, its context
 * and its metrics (and an optional logger) only: test/contracts/executeQueryPlan.test.ts pins
 * that against the installed @apollo/gateway, so an upgrade that reads more fails there first.
 */
export function resolutionContext(request: EventResolutionRequest): GatewayGraphQLRequestContext {
  return {
    request: {
      query: printed(request.document),
      variables: request.variables,
      operationName: request.operationName,
    },
    context: request.context,
    metrics: {},
  } as unknown as GatewayGraphQLRequestContext;
}

/**
 * Subscribers of one operation share its document (subscriptionServer.ts caches it by query), so
 * each document is printed once, not on every subscribe and every event.
 */
const printedDocuments = new WeakMap<DocumentNode, string>();
export function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}
