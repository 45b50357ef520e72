import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import type { PlanNode, QueryPlan } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { bulkhead, ExponentialBackoff, handleWhenResult, retry } from 'cockatiel';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import type { Counters } from '../../platform/counters.ts';
import { ErrorCode } from '../../platform/errors.ts';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscriptionPlanner.ts';

/**
 * Resolves one subscription event across the other subgraphs: the plan `Sequence [primary,
 * rest]` runs through `@apollo/gateway`'s own `executeQueryPlan`, with the primary's service
 * answering from the event, so result shaping, `@inaccessible` filtering and errors match
 * queries exactly.
 *
 * At most `maxConcurrent` resolutions run at once in a gateway (the rest wait their turn, in
 * order): a burst of events cannot open unbounded subgraph requests or hold unbounded results.
 *
 * A resolution that failed for a passing reason (a subgraph down or restarting, a vendor
 * unavailable, slow or rate limited: the event's fields would be null) is run again with
 * exponential backoff, up to `retries` times (about 20 s in all by default), so a subscriber
 * gets the change with its fields once the subgraph is back rather than a null it cannot
 * recover. Later events of the same subscription wait behind it: order is kept. Past the last
 * try the result goes out with its errors (`subscription_event_resolutions_failed`).
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

/** Tries after the first for an event whose resolution failed transiently, unless configured. */
export const defaultResolutionRetries = 6;

/** The error codes that say "try again later", not "this is the answer". */
const transientCodes = new Set<string>([
  ErrorCode.SUBGRAPH_UNAVAILABLE,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_RATE_LIMITED,
]);

export const failedTransiently = (result: ExecutionResult): boolean =>
  result.errors?.some((error) => transientCodes.has(String(error.extensions?.code))) ?? false;

export function createEventResolver(options: {
  planner: () => SubscriptionPlanner;
  dataSources: () => ServiceMap;
  counters: Counters;
  maxConcurrent?: number | undefined;
  /** Tries after the first for a transient failure (default `defaultResolutionRetries`; 0: off). */
  retries?: number | undefined;
  /** First and largest wait between tries (default 200 ms and 5 s). */
  retryDelayMs?: { initial: number; max: number } | undefined;
}): EventResolver {
  const slots = bulkhead(
    options.maxConcurrent ?? defaultMaxConcurrentResolutions,
    Number.POSITIVE_INFINITY,
  );
  // Outside the bulkhead: a resolution waiting to try again holds no slot.
  const again = retry(handleWhenResult(failedTransiently as (result: unknown) => boolean), {
    maxAttempts: options.retries ?? defaultResolutionRetries,
    backoff: new ExponentialBackoff({
      initialDelay: options.retryDelayMs?.initial ?? 200,
      maxDelay: options.retryDelayMs?.max ?? 5_000,
    }),
  });
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
  const once = (plan: SubscriptionPlan, request: EventResolutionRequest, event: ExecutionResult) =>
    slots.execute(async () => {
      running += 1;
      try {
        return await resolveNow(plan, request, event);
      } finally {
        running -= 1;
      }
    });
  return {
    async resolve(plan, request, event) {
      const subgraph = plan.primary.serviceName;
      let tries = 0;
      const result = await again.execute(() => {
        if (tries++ > 0) {
          options.counters.increment('subscription_event_resolution_retries', { subgraph });
        }
        return once(plan, request, event);
      });
      if (failedTransiently(result)) {
        options.counters.increment('subscription_event_resolutions_failed', { subgraph });
      }
      return result;
    },
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
