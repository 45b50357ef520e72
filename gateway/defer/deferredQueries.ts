import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  extendSchema,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from 'graphql';
import Negotiator from 'negotiator';
import { ErrorCode, withoutSuggestions } from '../../platform/errors.ts';
import {
  type GraphQLRequestBody,
  isRecord,
  responseMediaType,
  sendGraphQLError,
} from '../../platform/graphqlHttp.ts';
import { executeWithApollo } from '../federation.ts';
import { incrementalWriter } from '../http/streamWriters.ts';
import {
  type DeferredPart,
  incrementalEntries,
  mentionsDefer,
  splitDeferred,
  withoutDeferDirectives,
} from './splitDeferred.ts';

/**
 * Queries with `@defer`, for the HTTP route: split (splitDeferred.ts), every part started at
 * once through Apollo Server (so each passes the same plugins, signing and subgraph calls as
 * any query), the initial result sent as soon as it is ready and each deferred part as it
 * completes. A client that accepts no multipart response gets everything in one result, as
 * the spec allows. At most `maxDeferred` deferred fragments per operation: each costs a query.
 */
export interface DeferredQueryOptions {
  apollo: ApolloServer<BaseContext>;
  schema: () => GraphQLSchema;
  maxDeferred?: number | undefined;
  hideSchemaDetails?: boolean | undefined;
}

export const defaultMaxDeferred = 8;

const deferDirective = parse(
  'directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT',
);

export function deferredQueries(options: DeferredQueryOptions) {
  const maxDeferred = options.maxDeferred ?? defaultMaxDeferred;
  // The served schema does not declare @defer (the gateway's executor cannot run it); documents
  // are validated against one that does.
  const withDefer = new WeakMap<GraphQLSchema, GraphQLSchema>();
  const schemaWithDefer = () => {
    const schema = options.schema();
    let extended = withDefer.get(schema);
    if (!extended) {
      extended = extendSchema(schema, deferDirective);
      withDefer.set(schema, extended);
    }
    return extended;
  };

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    body: GraphQLRequestBody,
    contextValue: BaseContext,
  ): Promise<boolean> => {
    if (typeof body.query !== 'string' || !mentionsDefer(body.query)) return false;
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch {
      return false; // Apollo Server reports the syntax error.
    }
    const refuse = (status: number, code: string, message: string) => {
      sendGraphQLError(req, res, status, code, message);
      return true;
    };
    const invalid = validate(schemaWithDefer(), document);
    if (invalid.length > 0) {
      const first = invalid[0]?.message ?? 'invalid document';
      return refuse(
        400,
        'GRAPHQL_VALIDATION_FAILED',
        options.hideSchemaDetails ? withoutSuggestions(first) : first,
      );
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const variables = isRecord(body.variables) ? body.variables : {};
    const operation = getOperationAST(document, operationName);
    if (operation?.operation === 'subscription') {
      return refuse(400, ErrorCode.BAD_REQUEST, '@defer is not supported on subscriptions');
    }
    const run = (part: DocumentNode) =>
      executeWithApollo(options.apollo, {
        document: part,
        operationName,
        variableValues: variables,
        contextValue,
      });
    const split =
      operation?.operation === 'query'
        ? splitDeferred(document, operationName, variables)
        : undefined;
    if (!split || !acceptsIncremental(req.headers.accept)) {
      const result = await run(withoutDeferDirectives(document));
      res.writeHead(200, { 'content-type': `${responseMediaType(req)}; charset=utf-8` });
      res.end(JSON.stringify(result));
      return true;
    }
    if (split.deferred.length > maxDeferred) {
      return refuse(
        400,
        ErrorCode.DEFER_LIMIT_EXCEEDED,
        `at most ${maxDeferred} deferred fragments per operation (got ${split.deferred.length})`,
      );
    }
    // Everything starts now: a deferred part does not wait for the initial one.
    const initial = run(split.initial);
    const parts = split.deferred.map((part) =>
      run(part.document).then((result) => ({ part, result })),
    );
    const writer = incrementalWriter(res);
    const first = await initial;
    writer.part({ ...first, hasNext: true });
    let pending = parts.length;
    const settled = parts.map((promise) =>
      promise.then(({ part, result }) => {
        pending -= 1;
        writer.part({ incremental: incrementalOf(part, result), hasNext: pending > 0 });
      }),
    );
    await Promise.all(settled);
    writer.end();
    return true;
  };
}

/** One deferred part's result as `incremental` entries; its errors ride on the first. */
function incrementalOf(part: DeferredPart, result: ExecutionResult) {
  const entries: Record<string, unknown>[] = incrementalEntries(
    part,
    result.data as Record<string, unknown> | null | undefined,
  );
  if (result.errors?.length) {
    if (entries[0]) entries[0] = { ...entries[0], errors: result.errors };
    else entries.push({ data: null, path: [], errors: result.errors, ...labelled(part) });
  }
  return entries;
}

const labelled = (part: DeferredPart) => (part.label ? { label: part.label } : {});

function acceptsIncremental(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaTypes().includes('multipart/mixed');
}
