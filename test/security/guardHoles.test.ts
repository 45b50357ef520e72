import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';

/**
 * Two high findings of the red-team pass, each refused now with its exact status and code:
 * APQ poisoning (a harmless document stored under the hash of a forbidden one) and exponential
 * fragment fan-out (the guard's measure walked every spread afresh).
 */
const world = createWorld({ seed: 23, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;
let staff: string;

beforeAll(async () => {
  system = await startTestSystem({ world });
  staff = await system.mintToken('staff', ['*']);
});
afterAll(async () => {
  await system?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function send(body: unknown, token: string) {
  const response = await fetch(system.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, codes: json.errors?.map((e) => e.extensions?.code) };
}

describe('request guard holes', () => {
  it('APQ poisoning: a document sent with another document\u2019s hash is refused and stored nowhere', async () => {
    const wages = `{ location(id: "${locationId}") { openTimecards { wage { hourlyRate { amount } } } } }`;
    const harmless = `{ location(id: "${locationId}") { name } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(wages) };
    expect(await send({ query: harmless, extensions: { persistedQuery } }, staff)).toEqual({
      status: 400,
      codes: ['PERSISTED_QUERY_HASH_MISMATCH'],
    });
    // The hash alone still names nothing the staff member may run.
    expect(await send({ extensions: { persistedQuery } }, staff)).toEqual({
      status: 200,
      codes: ['PERSISTED_QUERY_NOT_FOUND'],
    });
    // Registered honestly, the wage query is checked as what it is.
    expect(await send({ query: wages, extensions: { persistedQuery } }, staff)).toEqual({
      status: 403,
      codes: ['FORBIDDEN'],
    });
    expect(await send({ extensions: { persistedQuery } }, staff)).toEqual({
      status: 403,
      codes: ['FORBIDDEN'],
    });
  });

  it('fragments that each spread the next twice, 40 levels deep, are measured at once and refused', async () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Location { name }`
        : `fragment F${i} on Location { onShiftNow { displayName } ...F${i + 1} ...F${i + 1} }`,
    );
    const query = `{ location(id: "${locationId}") { ...F0 } } ${fragments.join(' ')}`;
    expect(query.length).toBeLessThan(4_000);
    const started = performance.now();
    const outcome = await send({ query }, system.devTokens.manager);
    const ms = performance.now() - started;
    // 2^39 spreads when walked one by one; the measure is linear in the document now.
    expect(outcome).toEqual({ status: 400, codes: ['COST_LIMIT_EXCEEDED'] });
    expect(ms).toBeLessThan(500);
    // And the gateway answers a normal query right after.
    const normal = await postGraphQL(
      system.gateway.url,
      `{ location(id: "${locationId}") { name } }`,
    );
    expect(normal.status).toBe(200);
  });

  it('a list size left to a variable\u2019s declared default is measured at that default', async () => {
    const query = `query ($n: Int = 100000) { location(id: "${locationId}") { openOrders(first: $n) { lineItems { menuItem { fullName } } } } }`;
    expect(await send({ query }, system.devTokens.manager)).toEqual({
      status: 400,
      codes: ['COST_LIMIT_EXCEEDED'],
    });
  });
});
