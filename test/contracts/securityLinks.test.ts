import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { acknowledgeEnforcedSecurityFeatures } from '../../gateway/auth/fieldRules.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';

/**
 * The gateway relies on @apollo/gateway refusing supergraphs that link security features it
 * does not enforce, and accepting them once this gateway, which enforces them, drops `for:
 * SECURITY` from those links (fieldRules.ts). Pinned against the installed version.
 */
const composed = readFileSync(defaultSupergraphPath, 'utf8');

const load = async (supergraphSdl: string) => {
  const gateway = new ApolloGateway({ supergraphSdl, logger: silent });
  try {
    return (await gateway.load()).schema;
  } finally {
    await gateway.stop().catch(() => undefined);
  }
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const links = (sdl: string) =>
  (parse(sdl).definitions.find((d) => d.kind === 'SchemaDefinition')?.directives ?? []).map(
    (directive) =>
      directive.arguments
        ?.map((arg) => `${arg.name.value}:${'value' in arg.value ? String(arg.value.value) : ''}`)
        .join(' '),
  );

describe("contract: @apollo/gateway's security-feature check", () => {
  it('refuses the composed supergraph as it is: its requiresScopes link is for SECURITY', async () => {
    expect(composed).toContain('requiresScopes/v0.1", for: SECURITY');
    await expect(load(composed)).rejects.toThrow(/SECURITY/);
  });

  it('accepts it with only that link unmarked; every other link is kept as it was', async () => {
    const served = acknowledgeEnforcedSecurityFeatures(composed);
    expect(links(served)).toEqual([
      'url:https://specs.apollo.dev/link/v1.0',
      'url:https://specs.apollo.dev/join/v0.5 for:EXECUTION',
      'url:https://specs.apollo.dev/requiresScopes/v0.1',
    ]);
    expect((await load(served)).getType('Timecard')).toBeDefined();
  });

  it('leaves a supergraph without such links untouched, byte for byte', () => {
    const plain = composed.replace(', for: SECURITY', '');
    expect(acknowledgeEnforcedSecurityFeatures(plain)).toBe(plain);
  });
});
