import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readFieldRules } from '../../gateway/auth/fieldRules.ts';
import { createTokenVerifier, mintDevToken } from '../../gateway/auth/tokens.ts';
import { defaultOperationLimits } from '../../gateway/limits/operationLimits.ts';
import { createRequestGuard, sha256 } from '../../gateway/requestGuard.ts';

const sdl = /* GraphQL */ `
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
  type Query { location(id: ID!): Location, locations: [Location!]! }
  type Location { id: ID! name: String! orders(first: Int): [Order!]! timecards: [Timecard!]! }
  type Order { id: ID! lines: [Line!]! location: Location! }
  type Line { name: String! }
  type Timecard { id: ID! wage: Int @requiresScopes(scopes: [["labor:read"]]) }
`;
const schema = buildSchema(sdl);
const secret = 'guard-test-secret-0123456789abcdef';

async function guardFor(
  options: {
    introspection?: 'everyone' | 'analysts';
    safelist?: Map<string, string>;
    cacheBytes?: number;
  } = {},
) {
  return createRequestGuard({
    supergraph: () => ({ schema, rules: readFieldRules(sdl) }),
    verifier: createTokenVerifier({ secret }),
    limits: defaultOperationLimits,
    introspection: options.introspection ?? 'everyone',
    ...(options.safelist ? { safelist: options.safelist } : {}),
    ...(options.cacheBytes ? { cacheBytes: options.cacheBytes } : {}),
  });
}
const bearer = async (role: 'manager' | 'staff' | 'analyst') =>
  `Bearer ${await mintDevToken(secret, { subject: role, role, locations: ['*'] })}`;

const codeOf = (result: Awaited<ReturnType<Awaited<ReturnType<typeof guardFor>>['check']>>) =>
  'error' in result ? result.error.extensions.code : 'ok';

describe('request guard', () => {
  it('refuses depth, aliases and cost over the limits with their codes', async () => {
    const guard = await guardFor();
    const auth = await bearer('manager');
    const deep = `{ locations { ${'orders { location { '.repeat(10)}id${' } }'.repeat(10)} } }`;
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: locations { id }`).join(' ')} }`;
    const costly = '{ locations { orders(first: 1000) { lines { name } } } }';
    expect(codeOf(await guard.check({ query: deep }, auth))).toBe('DEPTH_LIMIT_EXCEEDED');
    expect(codeOf(await guard.check({ query: aliases }, auth))).toBe('ALIAS_LIMIT_EXCEEDED');
    expect(codeOf(await guard.check({ query: costly }, auth))).toBe('COST_LIMIT_EXCEEDED');
    expect(
      codeOf(await guard.check({ query: '{ locations { orders(first: 5) { id } } }' }, auth)),
    ).toBe('ok');
  });

  it('counts a list size given by a variable', async () => {
    const guard = await guardFor();
    const query = 'query ($n: Int) { locations { orders(first: $n) { lines { name } } } }';
    expect(
      codeOf(await guard.check({ query, variables: { n: 40 } }, await bearer('manager'))),
    ).toBe('ok');
    expect(
      codeOf(await guard.check({ query, variables: { n: 5000 } }, await bearer('manager'))),
    ).toBe('COST_LIMIT_EXCEEDED');
  });

  it('lets only scoped roles read @requiresScopes fields', async () => {
    const guard = await guardFor();
    const query = '{ locations { timecards { id wage } } }';
    expect(codeOf(await guard.check({ query }, await bearer('manager')))).toBe('ok');
    const refused = await guard.check({ query }, await bearer('staff'));
    expect('error' in refused && refused.error.message).toBe('not allowed to read Timecard.wage');
    expect(codeOf(refused)).toBe('FORBIDDEN');
  });

  it('allows introspection only to analysts when so configured', async () => {
    const guard = await guardFor({ introspection: 'analysts' });
    const query = '{ __schema { types { name } } }';
    expect(codeOf(await guard.check({ query }, await bearer('staff')))).toBe(
      'INTROSPECTION_DISABLED',
    );
    expect(codeOf(await guard.check({ query }, await bearer('analyst')))).toBe('ok');
  });

  it('in safelist mode runs known documents (by text or hash) and refuses others', async () => {
    const known = '{ locations { id } }';
    const guard = await guardFor({ safelist: new Map([[sha256(known), known]]) });
    const auth = await bearer('staff');
    expect(codeOf(await guard.check({ query: known }, auth))).toBe('ok');
    const byHash: { query?: unknown; extensions: unknown } = {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(known) } },
    };
    expect(codeOf(await guard.check(byHash, auth))).toBe('ok');
    expect(byHash.query).toBe(known);
    expect(codeOf(await guard.check({ query: '{ locations { name } }' }, auth))).toBe(
      'PERSISTED_QUERY_NOT_IN_SAFELIST',
    );
  });

  it('refuses a request without a token before looking at the document', async () => {
    const guard = await guardFor();
    expect(codeOf(await guard.check({ query: '{ locations { id } }' }, undefined))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('bounds its caches by bytes: 300 distinct 100 KB documents, persisted too, hold at most the limit', async () => {
    const limit = 1024 * 1024;
    const guard = await guardFor({ cacheBytes: limit });
    const auth = await bearer('manager');
    for (let i = 0; i < 300; i++) {
      // Valid and cheap, but large: a long comment.
      const query = `# ${String(i).padEnd(100 * 1024, 'x')}\n{ locations { id } }`;
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      expect(codeOf(await guard.check({ query, extensions: { persistedQuery } }, auth))).toBe('ok');
    }
    expect(guard.cachedBytes()).toBeGreaterThan(0);
    expect(guard.cachedBytes()).toBeLessThanOrEqual(2 * limit);
  });
});
