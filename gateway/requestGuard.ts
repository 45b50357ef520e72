import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Identity } from '../subgraphs/kit/gatewayTrust.ts';
import { type FieldRules, forbidden, forbiddenFields } from './auth/fieldRules.ts';
import type { TokenVerifier } from './auth/tokens.ts';
import { limitError, measureOperation, type OperationLimits } from './limits/operationLimits.ts';

/**
 * Everything the gateway checks before planning a request, in order: the caller's token, the
 * persisted-query safelist (when on), then the operation's depth, aliases and cost,
 * introspection rights and field rules. The first failure refuses the request with a stable
 * code; a document that does not parse is left to Apollo Server, which reports it.
 */
export interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } | unknown;
}

export interface RequestGuardOptions {
  schema: () => GraphQLSchema;
  verifier: TokenVerifier;
  rules: () => FieldRules;
  limits: OperationLimits;
  /** `everyone` in development; `analysts` in production. */
  introspection: 'everyone' | 'analysts';
  /** When set, only these documents (by SHA-256 of the text) may run. */
  safelist?: ReadonlyMap<string, string>;
}

export type GuardResult = { identity: Identity } | { error: GraphQLError };

export interface RequestGuard {
  check(body: GraphQLRequestBody, authorization: string | undefined): Promise<GuardResult>;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const documents = new LRUCache<string, DocumentNode | 'unparsable'>({ max: 2_000 });
  const parsed = (query: string) => {
    let document = documents.get(query);
    if (!document) {
      try {
        document = parse(query);
      } catch {
        document = 'unparsable';
      }
      documents.set(query, document);
    }
    return document === 'unparsable' ? undefined : document;
  };

  return {
    async check(body, authorization) {
      let identity: Identity;
      try {
        identity = await options.verifier.verify(authorization);
      } catch (error) {
        return { error: error as GraphQLError };
      }
      const safelistError = applySafelist(body, options.safelist);
      if (safelistError) return { error: safelistError };
      if (typeof body.query !== 'string') return { identity };

      const document = parsed(body.query);
      if (!document) return { identity };
      const operationName = typeof body.operationName === 'string' ? body.operationName : null;
      const operation: OperationDefinitionNode | null | undefined = getOperationAST(
        document,
        operationName,
      );
      if (!operation) return { identity };
      const variables =
        typeof body.variables === 'object' && body.variables !== null
          ? (body.variables as Record<string, unknown>)
          : {};
      const schema = options.schema();
      const shape = measureOperation(
        schema,
        document,
        operation,
        variables,
        options.limits.defaultListSize,
      );
      const overLimit = limitError(shape, options.limits);
      if (overLimit) return { error: overLimit };
      if (
        shape.introspection &&
        options.introspection === 'analysts' &&
        !identity.roles.includes('analyst')
      ) {
        return {
          error: new GraphQLError('introspection is only for analysts here', {
            extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 403 } },
          }),
        };
      }
      const denied = forbiddenFields(schema, document, options.rules(), identity);
      if (denied.length > 0) return { error: forbidden(denied) };
      return { identity };
    },
  };
}

/** In safelist mode a request names a known document by hash, or sends one whose hash is known. */
function applySafelist(
  body: GraphQLRequestBody,
  safelist: ReadonlyMap<string, string> | undefined,
): GraphQLError | undefined {
  if (!safelist) return undefined;
  const hash = (body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  if (typeof body.query === 'string') {
    if (safelist.has(sha256(body.query))) return undefined;
  } else if (typeof hash === 'string' && safelist.has(hash)) {
    body.query = safelist.get(hash);
    return undefined;
  }
  return new GraphQLError('operation is not in the safelist', {
    extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST', http: { status: 400 } },
  });
}
