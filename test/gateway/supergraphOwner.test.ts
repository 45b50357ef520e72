import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, mintDevToken } from '../../gateway/auth/tokens.ts';
import { defaultOperationLimits } from '../../gateway/limits/operationLimits.ts';
import { createRequestGuard } from '../../gateway/requestGuard.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';
import { createSupergraphOwner } from '../../gateway/supergraph/supergraphOwner.ts';

const composed = readFileSync(defaultSupergraphPath, 'utf8');
/** The same supergraph with `Order.ticketName` needing the `labor:read` scope. */
const guarded = composed.replace(
  /(\n {2}ticketName: String)/,
  '$1 @requiresScopes(scopes: [["labor:read"]])',
);
const urls = { pos: 'http://pos.test/graphql' };
const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;

describe('supergraph owner', () => {
  it('before the first load and after stop, readers get SUPERGRAPH_NOT_LOADED (503)', () => {
    const owner = createSupergraphOwner({ subgraphUrls: {} });
    expect(owner.state()).toEqual({ phase: 'initialized' });
    expect(() => owner.current()).toThrow('the supergraph is not loaded (initialized)');
    owner.load(composed);
    expect(owner.state().phase).toBe('loaded');
    owner.stop();
    let error: unknown;
    try {
      owner.current();
    } catch (caught) {
      error = caught;
    }
    expect([codeOf(error), (error as { extensions: { http: unknown } }).extensions.http]).toEqual([
      'SUPERGRAPH_NOT_LOADED',
      { status: 503 },
    ]);
    expect(() => owner.load(composed)).toThrow('(stopped)');
  });

  it('one version holds schema, planner, rules and subgraphs, with URL overrides applied', () => {
    const owner = createSupergraphOwner({ subgraphUrls: urls });
    const loaded = owner.load(composed);
    expect(loaded.subgraphs.map(({ name, url }) => [name, url])).toEqual([
      ['inventory', 'http://127.0.0.1:4002/graphql'],
      ['pos', 'http://pos.test/graphql'],
      ['scheduling', 'http://127.0.0.1:4003/graphql'],
    ]);
    expect(loaded.planner.schema).toBe(loaded.schema);
    expect([...loaded.rules.keys()]).toEqual(['Timecard.wage']);
    expect(loaded.servedSdl).not.toContain('for: SECURITY');
  });

  it('a new version swaps every piece together: a rule it adds is enforced at once', async () => {
    const owner = createSupergraphOwner({ subgraphUrls: urls });
    const first = owner.load(composed);
    const updates: string[] = [];
    await owner.apolloHook({ update: (sdl) => updates.push(sdl) });
    const seen: [string, string][] = [];
    owner.onLoaded((next, previous) => seen.push([next.id, previous.id]));
    const secret = 'owner-test-secret-0123456789abcdef';
    const guard = createRequestGuard({
      supergraph: () => owner.current(),
      verifier: createTokenVerifier({ secret }),
      limits: defaultOperationLimits,
      introspection: 'everyone',
    });
    const staff = `Bearer ${await mintDevToken(secret, { subject: 's', role: 'staff', locations: ['*'] })}`;
    const query = { query: '{ order(id: "O1") { id ticketName } }' };
    expect('error' in (await guard.check(query, staff))).toBe(false);

    const second = owner.load(guarded);
    expect(updates).toEqual([second.servedSdl]);
    expect(seen).toEqual([[second.id, first.id]]);
    expect(owner.current()).toBe(second);
    expect([...second.rules.keys()].sort()).toEqual(['Order.ticketName', 'Timecard.wage']);
    const refused = await guard.check(query, staff);
    expect('error' in refused && refused.error.extensions.code).toBe('FORBIDDEN');
  });

  it('a version that does not build, or that Apollo refuses, leaves every piece as it was', async () => {
    const owner = createSupergraphOwner({ subgraphUrls: {} });
    const first = owner.load(composed);
    let apolloRefuses = false;
    await owner.apolloHook({
      update: () => {
        if (apolloRefuses) throw new Error('Apollo refused it');
      },
    });
    const seen: string[] = [];
    owner.onLoaded((next) => seen.push(next.id));
    expect(() => owner.load('type Query { broken')).toThrow();
    expect(() => owner.load('type Query { notASupergraph: Int }')).toThrow();
    apolloRefuses = true;
    expect(() => owner.load(guarded)).toThrow('Apollo refused it');
    expect(owner.current()).toBe(first);
    expect(seen).toEqual([]);
  });

  it("Apollo's gateway takes its first version from the owner and every later one through its update", async () => {
    const owner = createSupergraphOwner({ subgraphUrls: {} });
    const first = owner.load(composed);
    const gateway = new ApolloGateway({ supergraphSdl: owner.apolloHook });
    const served: string[] = [];
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => served.push(coreSupergraphSdl));
    const { schema } = await gateway.load();
    expect(schema.getType('Order')).toBeDefined();
    expect(() => owner.load('type Query { broken')).toThrow();
    const second = owner.load(guarded);
    expect(served).toEqual([first.servedSdl, second.servedSdl]);
    await gateway.stop();
  });
});
