import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';

/**
 * `DateTime`: an RFC 3339 date-time with its offset (`2026-11-26T12:00:00Z`), as the vendors
 * write them. Without this a custom scalar takes any JSON value, so an object or a malformed
 * string sent as an argument would reach the vendor; here it is refused with BAD_USER_INPUT
 * before any call.
 */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): string {
  if (typeof value === 'string' && rfc3339.test(value) && Number.isFinite(Date.parse(value))) {
    return value;
  }
  throw new GraphQLError(
    `DateTime must be an RFC 3339 date-time string with an offset, e.g. 2026-11-26T12:00:00Z (got ${
      typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value
    })`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT } },
  );
}

export const dateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An RFC 3339 date-time with its offset, e.g. 2026-11-26T12:00:00Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : value),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : ast.kind),
});
