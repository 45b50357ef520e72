import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext, type ServiceMap } from '@apollo/gateway';
import { type FetchNode, type PlanNode, QueryPlanner } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/**
 * Plans subscriptions with the same query planner `@apollo/gateway` uses: the plan's root is a
 * `Subscription` node whose `primary` fetch is the owning subgraph's root field and whose
 * optional `rest` fetches the other subgraphs' fields for each event.
 */
export interface SubscriptionPlan {
  primary: FetchNode;
  rest: PlanNode | undefined;
  operationContext: ReturnType<typeof buildOperationContext>;
}

export interface SubscriptionPlanner {
  /** The API schema clients validate against. */
  readonly schema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: Schema;
  /** Each subgraph's name and routing URL, from the supergraph. */
  readonly subgraphs: readonly { name: string; url: string }[];
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan;
}

export type { ServiceMap };

export function createSubscriptionPlanner(supergraphSdl: string): SubscriptionPlanner {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  return {
    schema,
    supergraphSchema,
    apiSchema,
    subgraphs: supergraph.subgraphsMetadata(),
    plan(document, operationName) {
      const operation = operationFromDocument(apiSchema, document, { operationName });
      const plan = planner.buildQueryPlan(operation);
      if (plan.node?.kind !== 'Subscription') {
        throw new Error(`not a subscription plan: ${plan.node?.kind ?? 'empty'}`);
      }
      return {
        primary: plan.node.primary,
        rest: plan.node.rest,
        operationContext: buildOperationContext({
          schema,
          operationDocument: document,
          operationName,
        }),
      };
    },
  };
}
