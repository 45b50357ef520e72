import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { createCorsPolicy } from '../../gateway/http/cors.ts';
import { locationOverviewQuery, orderChangedSubscription } from '../../schema/operations.ts';
import { expectedOverview } from '../expected.ts';
import { startTestSystem } from '../system.ts';

/**
 * What the gateway writes itself (refusals, limits, preflights) follows the GraphQL-over-HTTP
 * spec and CORS as browsers and client libraries expect; raw `fetch` shows the exact headers.
 */
const world = createWorld({ seed: 21, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem({ world });
  token = system.devTokens.manager;
});
afterAll(async () => {
  await system?.close();
});

const post = (headers: Record<string, string>, body: unknown) =>
  fetch(system.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('GraphQL-over-HTTP conventions of the gateway’s own responses', () => {
  it('a 401 says how to authenticate, in the media type the client accepts', async () => {
    const missing = await post(
      { accept: 'application/graphql-response+json,application/json;q=0.9' },
      { query: '{ __typename }' },
    );
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe(
      'application/graphql-response+json; charset=utf-8',
    );
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="graphql"');
    expect(await missing.json()).toEqual({
      errors: [{ message: 'missing bearer token', extensions: { code: 'UNAUTHENTICATED' } }],
    });

    const bad = await post({ authorization: 'Bearer nope' }, { query: '{ __typename }' });
    expect(bad.status).toBe(401);
    // No Accept: the spec's legacy default.
    expect(bad.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(bad.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="graphql", error="invalid_token", error_description="[^"]+"$/,
    );
  });

  it('a limit refusal is graphql-response+json for a client that asks for it', async () => {
    const nest = (levels: number): string =>
      levels === 0 ? 'name' : `openOrders(first: 1) { location { ${nest(levels - 1)} } }`;
    const deep = `{ location(id: "${locationId}") { ${nest(6)} } }`;
    const response = await post(
      { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' },
      { query: deep },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(
      'application/graphql-response+json; charset=utf-8',
    );
    expect((await response.json()).errors[0].extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
  });

  it('a subscription over plain HTTP without a streaming Accept is a 406 with a stable code', async () => {
    const response = await post(
      { authorization: `Bearer ${token}`, accept: 'application/json' },
      { query: orderChangedSubscription, variables: { locationId } },
    );
    expect(response.status).toBe(406);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('SUBSCRIPTION_TRANSPORT_REQUIRED');
    expect(body.errors[0].message).toContain('graphql-ws');
  });

  it('answers a GET query as urql sends it (no CSRF preflight header), with the right answer', async () => {
    const url = new URL(system.gateway.url);
    url.searchParams.set('query', locationOverviewQuery);
    url.searchParams.set('operationName', 'LocationOverview');
    url.searchParams.set('variables', JSON.stringify({ locationId, orders: 2 }));
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept:
          'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/graphql-response+json');
    const { data } = await response.json();
    const { onShiftNow, ...rest } = expectedOverview(system.emulators.world, locationId, 2);
    expect({ ...data.location, onShiftNow: undefined }).toEqual({ ...rest, onShiftNow: undefined });
    expect(
      data.location.onShiftNow.map((m: { displayName: string }) => m.displayName).sort(),
    ).toEqual(onShiftNow);
  });

  it('refuses a mutation-less GET for nothing but queries: a GET stays read-only', async () => {
    const url = new URL(system.gateway.url);
    url.searchParams.set('query', 'mutation { __typename }');
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(405);
  });
});

describe('CORS', () => {
  const appOrigin = 'http://localhost:5173';

  it('answers a preflight from an allowed origin without a token', async () => {
    const response = await fetch(system.gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin: appOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('lets the allowed origin read the answer and the request id', async () => {
    const response = await post(
      { origin: appOrigin, authorization: `Bearer ${token}` },
      { query: '{ __typename }' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses another origin, before and after a preflight, with a stable code', async () => {
    const preflight = await fetch(system.gateway.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const call = await post(
      { origin: 'https://evil.example', authorization: `Bearer ${token}` },
      { query: '{ __typename }' },
    );
    expect(call.status).toBe(403);
    expect((await call.json()).errors[0].extensions.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
  });

  it('refuses a header clients do not send', async () => {
    const response = await fetch(system.gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin: appOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-forwarded-for',
      },
    });
    expect(response.status).toBe(403);
  });
});

describe('CORS origin patterns', () => {
  const policy = createCorsPolicy([
    'https://app.example.com',
    'https://*.example.com',
    'http://localhost:*',
  ]);
  it('match exact origins, one host label or a port for `*`, and the gateway’s own origin', () => {
    const cases: [string | undefined, boolean][] = [
      ['https://app.example.com', true],
      ['https://kds.example.com', true],
      ['https://a.b.example.com', false],
      ['https://example.com', false],
      ['https://evil.com', false],
      ['https://app.example.com.evil.com', false],
      ['http://localhost:5173', true],
      ['http://localhost', false],
      ['http://localhost:5173.evil.com', false],
      ['http://gateway.internal:4000', true],
      [undefined, true],
    ];
    expect(
      cases.map(([origin]) => [origin, policy.allowsOrigin(origin, 'gateway.internal:4000')]),
    ).toEqual(cases);
  });
});
