import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { connect, subscribe } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

// Each test file runs in its own process: this one's gateway and subgraphs run as production.
process.env.NODE_ENV = 'production';

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem({
    world: createWorld({ seed: 53, now: new Date('2026-11-26T12:00:00Z') }),
  });
});
afterAll(async () => {
  await system?.close();
});

describe('in production, validation errors do not spell out the schema', () => {
  it('over HTTP: no "Did you mean" suggestion for a misspelt field', async () => {
    const response = await postGraphQL(system.gateway.url, '{ location(id: "L1") { nme } }');
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['Cannot query field "nme" on type "Location".', 'GRAPHQL_VALIDATION_FAILED'],
    ]);
  });

  it('over graphql-ws: the same, at once', async () => {
    const client = connect(system.gateway.url);
    const failure = subscribe(client, 'subscription { orderChangd(locationId: "L1") { id } }')
      .failure as Promise<{ message: string }[]>;
    expect((await failure).map((e) => e.message)).toEqual([
      'Cannot query field "orderChangd" on type "Subscription".',
    ]);
    await client.dispose();
  });
});
