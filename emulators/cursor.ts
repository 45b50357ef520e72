/**
 * Opaque pagination cursors as Square hands them out: a cursor holds the next offset and a
 * hash of the query it belongs to (the request without `cursor` and `limit`, so page size
 * may change between pages). A cursor replayed with another query, or one that is not ours,
 * is `INVALID_CURSOR`. A cursor is returned only when more results exist.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { squareError } from './square-errors.ts';

export interface PageRequest {
  /** The endpoint, so a cursor from one endpoint is refused by another. */
  scope: string;
  /** The request body or query parameters; `cursor` and `limit` are ignored. */
  query: Record<string, unknown>;
  cursor: string | undefined;
  limit: number;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const hash = queryHash(request.scope, request.query);
  const offset = request.cursor === undefined ? 0 : offsetOf(request.cursor, hash);
  const end = offset + request.limit;
  const page = items.slice(offset, end);
  return end < items.length ? { items: page, cursor: encodeCursor(end, hash) } : { items: page };
}

function queryHash(scope: string, query: Record<string, unknown>): string {
  const { cursor: _cursor, limit: _limit, ...rest } = query;
  return createHash('sha256')
    .update(`${scope}\n${canonicalJson(rest)}`)
    .digest('hex')
    .slice(0, 16);
}

function encodeCursor(offset: number, hash: string): string {
  return Buffer.from(`${offset}.${hash}`).toString('base64url');
}

function offsetOf(cursor: string, hash: string): number {
  const match = /^(\d{1,9})\.([0-9a-f]{16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw squareError('INVALID_CURSOR', 'The pagination cursor is not valid.', 'cursor');
  if (match[2] !== hash) {
    throw squareError(
      'INVALID_CURSOR',
      'The pagination cursor belongs to a different query; repeat the original query with it.',
      'cursor',
    );
  }
  return Number(match[1]);
}

/** A list response in Square's shape: the list under its name, omitted when empty, then the cursor. */
export function pageBody(name: string, page: Page<unknown>): Record<string, unknown> {
  return {
    ...(page.items.length > 0 ? { [name]: page.items } : {}),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
}
