import { type DocumentNode, GraphQLError, parse, validate } from 'graphql';
import { LRUCache } from 'lru-cache';
import { withoutSuggestions } from '../../platform/errors.ts';
import type { Identity } from '../../platform/gatewayTrust.ts';
import type { SupergraphOwner } from '../supergraph/supergraphOwner.ts';

/**
 * What every subscription transport (graphql-ws, SSE, multipart HTTP) does alike with a
 * caller's operation before and after it reaches the federated subscriptions.
 */

/**
 * What a subscription's results depend on about its caller: roles, scopes and locations, not
 * who it is (no resolver reads the subject). Callers alike share one upstream subscription and
 * one resolution per event, which is what lets thousands of phones of one restaurant's staff
 * cost one; the upstream carries the first sharer's identity.
 */
export function sharingScope(identity: Identity | undefined): string {
  if (!identity) return 'anonymous';
  const sorted = (values: readonly string[]) => [...values].sort();
  return JSON.stringify([
    sorted(identity.roles),
    sorted(identity.scopes),
    sorted(identity.locationIds),
  ]);
}

export interface SubscriptionDocuments {
  /** The document parsed and validated against the current supergraph, or why it is not valid. */
  valid(query: string): DocumentNode | readonly GraphQLError[];
  stop(): void;
}

/**
 * Thousands of clients subscribe with the same few documents: each is parsed and validated
 * once, and one syntax tree is shared by all of them (memory per subscriber; the CPU of a
 * reconnect storm). Emptied when the supergraph changes. In production validation messages
 * carry no "Did you mean" suggestions.
 */
export function createSubscriptionDocuments(
  supergraph: SupergraphOwner,
  hideSchemaDetails: boolean,
): SubscriptionDocuments {
  const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: 1_000 });
  const stopFollowing = supergraph.onLoaded(() => documents.clear());
  return {
    valid(query) {
      let document = documents.get(query);
      if (!document) {
        try {
          const parsed = parse(query);
          const errors = validate(supergraph.current().schema, parsed).map((error) =>
            hideSchemaDetails
              ? new GraphQLError(withoutSuggestions(error.message), { nodes: error.nodes ?? null })
              : error,
          );
          document = errors.length > 0 ? errors : parsed;
        } catch (error) {
          document = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        documents.set(query, document);
      }
      return document;
    },
    stop: stopFollowing,
  };
}
