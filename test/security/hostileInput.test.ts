import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { devJwtSecret, mintDevToken } from '../../gateway/auth/tokens.ts';
import { devGatewaySecret, signIdentity } from '../../platform/gatewayTrust.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';
import { orderUpdatedEvent, sendWebhook } from '../webhookSender.ts';

/**
 * Hostile input, one row per case: what is sent, and the exact HTTP status and error code that
 * must come back. After every row the gateway must still answer a normal query.
 */
const world = createWorld({ seed: 17, now: new Date('2026-11-26T12:00:00Z') });
const [locationA, locationB] = world.locations;
const idA = locationA?.id ?? '';
const idB = locationB?.id ?? '';
let system: LocalSystem;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  system = await startTestSystem({ world });
  const mint = (role: 'manager' | 'staff' | 'analyst', locations: string[], expiresIn?: string) =>
    mintDevToken(
      devJwtSecret,
      { subject: `${role}-${locations.join('+')}`, role, locations },
      expiresIn,
    );
  tokens.managerA = await mint('manager', [idA]);
  tokens.staffA = await mint('staff', [idA]);
  tokens.analyst = await mint('analyst', ['*']);
  tokens.expired = await mint('manager', ['*'], '-1s');
  tokens.wrongKey = await mintDevToken('not-the-gateway-secret-at-all-0123', {
    subject: 'x',
    role: 'manager',
    locations: ['*'],
  });
  tokens.unknownRole = await new SignJWT({ roles: ['owner'], locations: ['*'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('x')
    .sign(new TextEncoder().encode(devJwtSecret));
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const claims = Buffer.from(
    JSON.stringify({ sub: 'x', roles: ['manager'], locations: ['*'] }),
  ).toString('base64url');
  tokens.algNone = `${header}.${claims}.`;
});
afterAll(async () => {
  await system?.close();
});

interface Outcome {
  status: number;
  /** The first error's code, `none` when the response has no error, or the webhook result. */
  code: string;
  body?: unknown;
}

async function raw(init: RequestInit & { path?: string; auth?: string | null }): Promise<Outcome> {
  const headers = new Headers(init.headers);
  if (init.auth !== null && !headers.has('authorization')) {
    headers.set('authorization', `Bearer ${init.auth ?? system.devTokens.manager}`);
  }
  const response = await fetch(new URL(init.path ?? '/graphql', system.gateway.url), {
    ...init,
    headers,
  });
  const text = await response.text();
  let body: { errors?: { extensions?: { code?: string } }[] } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, code: body?.errors?.[0]?.extensions?.code ?? 'none', body };
}

const post = (payload: unknown, auth?: string | null) =>
  raw({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    ...(auth === undefined ? {} : { auth }),
  });

const query = (text: string, variables: Record<string, unknown> = {}, auth?: string | null) =>
  post({ query: text, variables }, auth);

async function direct(subgraphUrl: string, headers: Record<string, string>): Promise<Outcome> {
  const response = await fetch(subgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ locations { id name } }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? 'none', body };
}

const nested = (levels: number) =>
  `{ location(id: "${idA}") { ${'openOrders(first: 1) { location { '.repeat(levels)} name ${'} } '.repeat(levels)} } }`;
const aliases = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: locations { id }`).join(' ')} }`;
const order = (locationId: string) => openOrdersNewestFirst(world, locationId)[0];

type Row = [name: string, send: () => Promise<Outcome>, status: number, code: string];

const rows: Row[] = [
  // Transport and body
  ['malformed JSON', () => post('{"query": '), 400, 'BAD_REQUEST'],
  [
    'wrong content type (text/plain, a CSRF vector)',
    () =>
      raw({
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"query":"{ locations { id } }"}',
      }),
    400,
    'BAD_REQUEST',
  ],
  [
    'a 10 MB body',
    () => post({ query: `{ locations { id } } #${'x'.repeat(10 * 1024 * 1024)}` }),
    413,
    'BODY_TOO_LARGE',
  ],
  ['an empty body', () => post(''), 400, 'BAD_REQUEST'],
  ['no query at all', () => post({ variables: {} }), 400, 'BAD_REQUEST'],
  ['a query that is not a string', () => post({ query: 42 }), 400, 'BAD_REQUEST'],
  [
    'batched operations',
    () => post([{ query: '{ locations { id } }' }, { query: '{ locations { id } }' }]),
    400,
    'BAD_REQUEST',
  ],
  [
    'a batched-operations bomb (1,000 operations)',
    () =>
      post(
        Array.from({ length: 1000 }, () => ({
          query: locationOverviewQuery,
          variables: { locationId: idA },
        })),
      ),
    400,
    'BAD_REQUEST',
  ],
  [
    // Apollo's CSRF header is not required (urql's GET): a page on an origin not allowed is
    // refused instead, and a GET can only read.
    'a GET query from a page on an origin not allowed',
    () =>
      raw({
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent('{ locations { id } }')}`,
        headers: { origin: 'https://attacker.example' },
      }),
    403,
    'CORS_ORIGIN_NOT_ALLOWED',
  ],
  [
    'a mutation sent as GET',
    () =>
      raw({
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
      }),
    405,
    'BAD_REQUEST',
  ],
  ['a syntax error', () => query('{ locations { id '), 400, 'GRAPHQL_PARSE_FAILED'],
  ['an unknown field', () => query('{ locations { secret } }'), 400, 'GRAPHQL_VALIDATION_FAILED'],
  [
    'a variable of the wrong type',
    () => query('query ($id: ID!) { location(id: $id) { name } }', { id: { $ne: 1 } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'an operationName the document lacks',
    () => post({ query: 'query A { locations { id } }', operationName: 'B' }),
    400,
    'OPERATION_RESOLUTION_FAILURE',
  ],
  [
    'a fragment cycle',
    () => query('{ locations { ...F } } fragment F on Location { ...F }'),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ],
  // Shape limits
  ['depth 100', () => query(nested(50)), 400, 'DEPTH_LIMIT_EXCEEDED'],
  ['10,000 aliases', () => query(aliases(10_000)), 400, 'ALIAS_LIMIT_EXCEEDED'],
  [
    'a huge list request',
    () => query(`{ location(id: "${idA}") { openOrders(first: 100000) { lineItems { name } } } }`),
    400,
    'COST_LIMIT_EXCEEDED',
  ],
  [
    'a huge list through a variable',
    () =>
      query(
        `query ($n: Int) { locations { openOrders(first: $n) { lineItems { menuItem { name } } } } }`,
        { n: 5000 },
      ),
    400,
    'COST_LIMIT_EXCEEDED',
  ],
  [
    'a page size the vendor cannot serve',
    () => query(`{ location(id: "${idA}") { openOrders(first: 5000) { id } } }`),
    200,
    'BAD_USER_INPUT',
  ],
  // Tokens
  ['no token', () => query('{ locations { id } }', {}, null), 401, 'UNAUTHENTICATED'],
  [
    'a malformed token',
    () => query('{ locations { id } }', {}, 'not.a.token'),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'an expired token',
    () => query('{ locations { id } }', {}, tokens.expired),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'a token signed with another key',
    () => query('{ locations { id } }', {}, tokens.wrongKey),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'an alg:none token',
    () => query('{ locations { id } }', {}, tokens.algNone),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'a token with an unknown role',
    () => query('{ locations { id } }', {}, tokens.unknownRole),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'Basic credentials instead of a bearer token',
    () =>
      raw({
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic YTpi' },
        body: '{"query":"{ locations { id } }"}',
      }),
    401,
    'UNAUTHENTICATED',
  ],
  // Who sees what
  [
    'a token for location A asking for location B',
    () => query(`{ location(id: "${idB}") { name openOrders { id } } }`, {}, tokens.managerA),
    200,
    'none',
  ],
  [
    'a token for location A asking for an order of B',
    () => query(`{ order(id: "${order(idB)?.id}") { id } }`, {}, tokens.managerA),
    200,
    'none',
  ],
  [
    "a token for location A asking B's stock",
    () =>
      query(
        `{ stock(menuItemId: "${[...world.catalog.keys()][0]}", locationId: "${idB}") { quantity } }`,
        {},
        tokens.managerA,
      ),
    200,
    'none',
  ],
  [
    'staff asking for wages',
    () =>
      query(
        `{ location(id: "${idA}") { openTimecards { wage { hourlyRate { amount } } } } }`,
        {},
        tokens.staffA,
      ),
    403,
    'FORBIDDEN',
  ],
  [
    'an analyst asking for wages',
    () =>
      query(`{ location(id: "${idA}") { openTimecards { wage { title } } } }`, {}, tokens.analyst),
    403,
    'FORBIDDEN',
  ],
  [
    'a manager asking for wages',
    () =>
      query(`{ location(id: "${idA}") { openTimecards { wage { title } } } }`, {}, tokens.managerA),
    200,
    'none',
  ],
  // Around the gateway
  ['a direct subgraph call', () => direct(system.pos.url, {}), 401, 'UNAUTHENTICATED'],
  [
    'a forged internal header',
    () =>
      direct(
        system.pos.url,
        signIdentity(
          { subject: 'x', roles: ['manager'], locationIds: ['*'], scopes: [] },
          'forged-secret',
        ),
      ),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'a replayed internal header (2 minutes old)',
    () =>
      direct(
        system.inventory.url,
        signIdentity(
          { subject: 'x', roles: ['manager'], locationIds: ['*'], scopes: [] },
          devGatewaySecret,
          Date.now() - 120_000,
        ),
      ),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'an internal header with widened locations',
    async () => {
      const signed = signIdentity(
        { subject: 'x', roles: ['staff'], locationIds: [idA], scopes: [] },
        devGatewaySecret,
      );
      const widened = signIdentity(
        { subject: 'x', roles: ['staff'], locationIds: ['*'], scopes: [] },
        'other',
      );
      return direct(system.scheduling.url, {
        ...signed,
        'x-gateway-identity': widened['x-gateway-identity'] as string,
      });
    },
    401,
    'UNAUTHENTICATED',
  ],
  // Webhooks
  [
    'a webhook with a bad signature',
    async () =>
      webhookOutcome(await sendWebhook(system.pos, orderEvent(), { signatureKey: 'guessed' })),
    401,
    'bad signature',
  ],
  [
    'an unsigned webhook',
    async () => webhookOutcome(await sendWebhook(system.pos, orderEvent(), { signatureKey: null })),
    401,
    'bad signature',
  ],
  [
    'a replayed webhook',
    async () => {
      const event = orderEvent();
      await sendWebhook(system.pos, event);
      return webhookOutcome(await sendWebhook(system.pos, event));
    },
    200,
    'duplicate',
  ],
  [
    'an oversized webhook',
    async () =>
      webhookOutcome(
        await sendWebhook(system.pos, { ...orderEvent(), padding: 'x'.repeat(2 * 1024 * 1024) }),
      ),
    413,
    'body exceeds 1048576 bytes',
  ],
];

function orderEvent() {
  const target = order(idA);
  return orderUpdatedEvent({
    id: target?.id ?? '',
    version: target?.version ?? 1,
    location_id: idA,
  });
}

function webhookOutcome(response: { status: number; body: unknown }): Outcome {
  const body = response.body as { result?: string; error?: string };
  return { status: response.status, code: body.result ?? body.error ?? 'none', body };
}

describe('hostile input', () => {
  it(`has at least 40 cases (${rows.length})`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, send, status, code] of rows) {
    it(`${name}: ${status} ${code}`, async () => {
      const outcome = await send();
      expect({ status: outcome.status, code: outcome.code }).toEqual({ status, code });
    });
  }

  it('location scoping answers "not found", never "forbidden", and never leaks', async () => {
    const { body } = await postGraphQL<{ locations: { id: string }[]; location: unknown }>(
      system.gateway.url,
      `{ locations { id } location(id: "${idB}") { name } }`,
      {},
      { authorization: `Bearer ${tokens.managerA}` },
    );
    expect(body).toEqual({ data: { locations: [{ id: idA }], location: null } });
  });

  it('after all of them, the gateway still answers a normal query', async () => {
    const { status, body } = await postGraphQL<{ location: { name: string } }>(
      system.gateway.url,
      locationOverviewQuery,
      { locationId: idA },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.location.name).toBe(locationA?.name);
  });
});
