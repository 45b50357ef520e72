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
import { ErrorCode } from '../platform/errors.ts';
import type { Identity } from '../platform/gatewayTrust.ts';
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
  /** The current supergraph version's schema and field rules, read once per check. */
  supergraph: () => { schema: GraphQLSchema; rules: FieldRules };
  verifier: TokenVerifier;
  limits: OperationLimits;
  /** `everyone` in development; `analysts` in production. */
  introspection: 'everyone' | 'analysts';
  /** When set, only these documents (by SHA-256 of the text) may run. */
  safelist?: ReadonlyMap<string, string>;
  /** Persisted documents registered through other gateways (apqStore.ts), by hash. */
  sharedPersisted?: (hash: string) => Promise<string | undefined>;
  /**
   * Bytes of document text each of the guard's caches (parsed documents, persisted queries)
   * may hold (default 16 MiB): bounded by size, not entries, so large documents cannot pin
   * memory by the thousand.
   */
  cacheBytes?: number | undefined;
}

export type GuardResult = GuardPassed | { error: GraphQLError };

export interface GuardPassed {
  identity: Identity;
  /** When the caller's token expires (epoch ms), for streams that outlive the request. */
  expiresAt?: number | undefined;
  /** The operation that will run, when the document parses and names one. */
  operationType?: 'query' | 'mutation' | 'subscription' | undefined;
}

export interface RequestGuard {
  /** Authenticates the caller, then checks the operation. */
  check(body: GraphQLRequestBody, authorization: string | undefined): Promise<GuardResult>;
  /** Checks an operation for a caller already authenticated (a graphql-ws connection). */
  checkOperation(body: GraphQLRequestBody, identity: Identity): GuardResult;
  /** Bytes of document text the caches hold now (both together). */
  cachedBytes(): number;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const cacheBytes = options.cacheBytes ?? 16 * 1024 * 1024;
  // A parsed document takes several times its text; its text's length is the measure used.
  const documents = new LRUCache<string, DocumentNode | 'unparsable'>({
    max: 2_000,
    maxSize: cacheBytes,
    sizeCalculation: (_document, query) => Math.max(1, query.length),
  });
  const persisted = new LRUCache<string, string>({
    max: 5_000,
    maxSize: cacheBytes,
    sizeCalculation: (query) => Math.max(1, query.length),
  });
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

  const checkOperation = (body: GraphQLRequestBody, identity: Identity): GuardResult => {
    const safelistError = applySafelist(body, options.safelist);
    if (safelistError) return { error: safelistError };
    // Automatic persisted queries: a hash-only request is checked against the document the
    // hash stands for, with this request's variables, so limits cannot be bypassed by hash.
    const hash = persistedHash(body);
    if (typeof body.query === 'string' && hash) {
      // Only a document that is what its hash names may be stored under it: a harmless document
      // sent with the hash of another would otherwise be what later hash-only requests are
      // checked against, while the other runs.
      if (sha256(body.query) !== hash) {
        return {
          error: new GraphQLError('provided sha does not match query', {
            extensions: { code: ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, http: { status: 400 } },
          }),
        };
      }
      persisted.set(hash, body.query);
    }
    const query =
      typeof body.query === 'string' ? body.query : hash ? persisted.get(hash) : undefined;
    if (query === undefined) {
      return hash
        ? {
            error: new GraphQLError('PersistedQueryNotFound', {
              extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND, http: { status: 200 } },
            }),
          }
        : { identity };
    }

    const document = parsed(query);
    if (!document) return { identity };
    const operationName = typeof body.operationName === 'string' ? body.operationName : null;
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(
      document,
      operationName,
    );
    // @apollo/gateway would answer this with a 500; it is the client's mistake.
    if (!operation) {
      return {
        error: new GraphQLError(
          operationName
            ? `Unknown operation named "${operationName}".`
            : 'Must provide operation name if query contains multiple operations.',
          { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } },
        ),
      };
    }
    const variables =
      typeof body.variables === 'object' && body.variables !== null
        ? (body.variables as Record<string, unknown>)
        : {};
    const { schema, rules } = options.supergraph();
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
          extensions: { code: ErrorCode.INTROSPECTION_DISABLED, http: { status: 403 } },
        }),
      };
    }
    const denied = forbiddenFields(schema, document, rules, identity);
    if (denied.length > 0) return { error: forbidden(denied) };
    return { identity, operationType: operation.operation };
  };

  return {
    checkOperation,
    cachedBytes: () => documents.calculatedSize + persisted.calculatedSize,
    async check(body, authorization) {
      try {
        const { identity, expiresAt } = await options.verifier.verifyUntil(authorization);
        const hash = persistedHash(body);
        if (body.query === undefined && hash && !persisted.has(hash) && options.sharedPersisted) {
          const shared = await options.sharedPersisted(hash);
          if (shared !== undefined && sha256(shared) === hash) persisted.set(hash, shared);
        }
        const result = checkOperation(body, identity);
        return 'error' in result ? result : { ...result, expiresAt };
      } catch (error) {
        if (error instanceof GraphQLError) return { error };
        throw error;
      }
    },
  };
}

function persistedHash(body: GraphQLRequestBody): string | undefined {
  const hash = (body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** In safelist mode a request names a known document by hash, or sends one whose hash is known. */
function applySafelist(
  body: GraphQLRequestBody,
  safelist: ReadonlyMap<string, string> | undefined,
): GraphQLError | undefined {
  if (!safelist) return undefined;
  const hash = persistedHash(body);
  if (typeof body.query === 'string') {
    if (safelist.has(sha256(body.query))) return undefined;
  } else if (hash !== undefined && safelist.has(hash)) {
    body.query = safelist.get(hash);
    return undefined;
  }
  return new GraphQLError('operation is not in the safelist', {
    extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_IN_SAFELIST, http: { status: 400 } },
  });
}
