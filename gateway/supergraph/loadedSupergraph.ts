import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import {
  acknowledgeEnforcedSecurityFeatures,
  type FieldRules,
  readFieldRules,
} from '../auth/fieldRules.ts';
import {
  createSubscriptionPlanner,
  type SubscriptionPlanner,
} from '../subscriptions/subscriptionPlanner.ts';

/**
 * One version of the supergraph with everything derived from it, built together and never
 * changed: what the gateway serves, plans and checks for as long as this version is current.
 */
export interface LoadedSupergraph {
  /** SHA-256 of the composed SDL: tells versions apart in logs and tests. */
  readonly id: string;
  /** As `npm run compose` wrote it. */
  readonly composedSdl: string;
  /** What Apollo's gateway is given: the security features this gateway enforces acknowledged. */
  readonly servedSdl: string;
  /** The API schema operations are validated against. */
  readonly schema: GraphQLSchema;
  /** Plans subscriptions with the same query planner queries use. */
  readonly planner: SubscriptionPlanner;
  /** Each subgraph's name and URL (the configured override, else the routing URL). */
  readonly subgraphs: readonly { name: string; url: string }[];
  /** `@authenticated` / `@requiresScopes` of every field. */
  readonly rules: FieldRules;
}

/** Builds every piece from the SDL; throws (and builds nothing) when any piece refuses it. */
export function loadSupergraph(
  composedSdl: string,
  subgraphUrls: Readonly<Record<string, string | undefined>>,
): LoadedSupergraph {
  const servedSdl = acknowledgeEnforcedSecurityFeatures(composedSdl);
  const planner = createSubscriptionPlanner(servedSdl);
  return {
    id: createHash('sha256').update(composedSdl).digest('hex'),
    composedSdl,
    servedSdl,
    schema: planner.schema,
    planner,
    subgraphs: planner.subgraphs.map(({ name, url }) => ({ name, url: subgraphUrls[name] ?? url })),
    rules: readFieldRules(composedSdl),
  };
}
