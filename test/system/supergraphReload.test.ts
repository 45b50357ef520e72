import { copyFile, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

const world = createWorld({ seed: 43, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;
let supergraphPath: string;

beforeAll(async () => {
  supergraphPath = join(await mkdtemp(join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
  await copyFile(defaultSupergraphPath, supergraphPath);
  system = await startTestSystem({ world, supergraphPath });
});
afterAll(async () => {
  await system?.close();
});

/** The supergraph without `Order.ticketName` (POS still serves it; the graph no longer shows it). */
async function changedSupergraph(): Promise<string> {
  const sdl = async (name: string) =>
    readFile(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8');
  const pos = (await sdl('pos'))
    .replace(
      '  name: String!\n  timezone: String',
      '  name: String!\n  phone: String\n  timezone: String',
    )
    .replace('  ticketName: String\n', '');
  const result = composeServices([
    { name: 'pos', url: system.pos.url, typeDefs: parse(pos) },
    { name: 'inventory', url: system.inventory.url, typeDefs: parse(await sdl('inventory')) },
    { name: 'scheduling', url: system.scheduling.url, typeDefs: parse(await sdl('scheduling')) },
  ]);
  if (!result.supergraphSdl) throw new Error(JSON.stringify(result.errors));
  return result.supergraphSdl;
}

async function publishOrder(index: number): Promise<string> {
  const id = openOrdersNewestFirst(world, locationId)[index]?.id ?? '';
  return (await publishOrderEvent(system, id)).id;
}

describe('supergraph hot reload', () => {
  it('serves a replaced supergraph without a restart; still-valid subscriptions keep running', async () => {
    const order = openOrdersNewestFirst(world, locationId)[1];
    const ticket = `{ order(id: "${order?.id}") { id ticketName } }`;
    expect((await postGraphQL(system.gateway.url, ticket)).body).toEqual({
      data: { order: { id: order?.id, ticketName: order?.ticket_name ?? null } },
    });

    const client = connect(system.gateway.url);
    const valid = subscribe(
      client,
      'subscription ($l: ID!) { orderChanged(locationId: $l) { id state } }',
      {
        l: locationId,
      },
    );
    const staleQuery = 'subscription ($l: ID!) { orderChanged(locationId: $l) { id ticketName } }';
    const stale = subscribe(client, staleQuery, { l: locationId });
    await untilSubscribed(system.gateway, 2, 2);

    // Replace the file the way `npm run compose` or a deploy would: write beside it, rename over it.
    await writeFile(`${supergraphPath}.next`, await changedSupergraph());
    await rename(`${supergraphPath}.next`, supergraphPath);
    await expect
      .poll(async () => (await postGraphQL(system.gateway.url, ticket)).status, { timeout: 10_000 })
      .toBe(400);
    const refused = await postGraphQL(system.gateway.url, ticket);
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(system.gateway.counters.get('supergraph_reloads', { result: 'applied' })).toBe(1);

    const [ended] = await stale.waitFor(1);
    expect(ended?.errors?.map((e) => e.extensions?.code)).toEqual(['SUPERGRAPH_CHANGED']);
    // The same document, validated before the change, is checked against the new schema.
    const again = subscribe(client, staleQuery, { l: locationId });
    expect(((await again.failure) as { message: string }[]).map((e) => e.message)).toEqual([
      'Cannot query field "ticketName" on type "Order".',
    ]);
    const id = await publishOrder(0);
    const [event] = await valid.waitFor(1);
    expect(rootField<{ id: string }>(event, 'orderChanged').id).toBe(id);
    await client.dispose();
  });
});
