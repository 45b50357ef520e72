import { readFileSync } from 'node:fs';
import type { ServiceMap } from '@apollo/gateway';
import { executeQueryPlan } from '@apollo/gateway';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { acknowledgeEnforcedSecurityFeatures } from '../../gateway/auth/fieldRules.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';
import { eventQueryPlan, resolutionContext } from '../../gateway/subscriptions/eventResolution.ts';
import { createSubscriptionPlanner } from '../../gateway/subscriptions/subscriptionPlanner.ts';

/**
 * Event resolution hands executeQueryPlan a request context of three fields (request, context,
 * metrics) cast to Apollo's full type. This pins, against the installed @apollo/gateway, that it
 * reads nothing else: every other property read is recorded, and the test fails naming it.
 */
const planner = createSubscriptionPlanner(
  acknowledgeEnforcedSecurityFeatures(readFileSync(defaultSupergraphPath, 'utf8')),
);

/** Records every property read below `path` that the object does not have. */
function strict<T extends object>(target: T, path: string, missing: string[]): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof key === 'symbol') return value;
      if (!(key in object)) missing.push(`${path}.${key}`);
      return value !== null && typeof value === 'object' && path.split('.').length < 2
        ? strict(value as object, `${path}.${key}`, missing)
        : value;
    },
  });
}

describe('contract: executeQueryPlan and the event resolution context', () => {
  it('resolves an event across subgraphs reading only the request, context and metrics given', async () => {
    const document = parse(
      'subscription ($l: ID!) { orderChanged(locationId: $l) { id location { name onShiftNow { displayName } } } }',
    );
    const plan = planner.plan(document, undefined);
    const calls: string[] = [];
    const serviceMap: ServiceMap = {
      pos: {
        process: async () => {
          calls.push('pos');
          return {
            data: {
              orderChanged: {
                __typename: 'Order',
                id: 'O1',
                location: { __typename: 'Location', id: 'L1', name: 'Downtown' },
              },
            },
          };
        },
      },
      scheduling: {
        process: async () => {
          calls.push('scheduling');
          return { data: { _entities: [{ onShiftNow: [{ displayName: 'Rosa' }] }] } };
        },
      },
      inventory: { process: async () => ({ data: {} }) },
    };
    const missing: string[] = [];
    const context = resolutionContext({
      document,
      operationName: undefined,
      variables: { l: 'L1' },
      context: { identity: undefined },
    });
    const result = await executeQueryPlan(
      eventQueryPlan(plan),
      serviceMap,
      strict(context, 'requestContext', missing),
      plan.operationContext,
      planner.supergraphSchema,
      planner.apiSchema,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      orderChanged: {
        id: 'O1',
        location: { name: 'Downtown', onShiftNow: [{ displayName: 'Rosa' }] },
      },
    });
    expect(calls).toEqual(['pos', 'scheduling']);
    // Reads that fall back when absent (a logger, optional trace fields) are all it may add.
    expect(
      missing.filter(
        (path) =>
          ![
            'requestContext.logger',
            'requestContext.metrics.captureTraces',
            'requestContext.metrics.startHrTime',
            'requestContext.metrics.nonFtv1ErrorPaths',
            'requestContext.metrics.queryPlanTrace',
          ].includes(path),
      ),
    ).toEqual([]);
  });
});
