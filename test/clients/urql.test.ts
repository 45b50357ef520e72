import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { expectedOrderChanged, openOrdersNewestFirst, withShiftNames } from '../expected.ts';
import { untilLive } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

/**
 * urql 6 (`@urql/core`) at its defaults: short queries go as GET (the gateway accepts them
 * without Apollo's CSRF header, as the README says), errors keep their codes, subscriptions run
 * over graphql-ws through `subscriptionExchange`, and over SSE with `fetchSubscriptions`.
 */
const world = createWorld({ seed: 23, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;
const methods: string[] = [];

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const recordingFetch: typeof fetch = (input, init) => {
  methods.push(init?.method ?? 'GET');
  return fetch(input, init);
};

const client = (token: string, options: { fetchSubscriptions?: boolean } = {}) =>
  new Client({
    url: system.gateway.url,
    exchanges: [cacheExchange, fetchExchange],
    fetch: recordingFetch,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    ...options,
  });

describe('urql at its defaults', () => {
  it('sends a short query as GET and gets the answer', async () => {
    methods.length = 0;
    const result = await client(system.devTokens.manager)
      .query(`query Name($id: ID!) { location(id: $id) { name } }`, { id: locationId })
      .toPromise();
    expect(methods).toEqual(['GET']);
    expect(result.error).toBeUndefined();
    // urql's document cache adds `__typename` to every selection.
    expect(result.data).toEqual({
      location: { __typename: 'Location', name: world.locations[0]?.name },
    });
  });

  it('reads a refusal’s code from the GraphQL errors', async () => {
    const result = await client('bad')
      .query(`query Name($id: ID!) { location(id: $id) { name } }`, { id: locationId })
      .toPromise();
    expect(result.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(result.error?.response?.status).toBe(401);
  });

  it('receives a subscription event over graphql-ws (subscriptionExchange)', async () => {
    const ws = createWsClient({
      url: system.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${system.devTokens.manager}` },
    });
    const urql = new Client({
      url: system.gateway.url,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query || '' };
            return {
              subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }),
            };
          },
        }),
      ],
    });
    await expectOneEvent(urql, 0);
    await ws.dispose();
  });

  it('receives a subscription event over SSE with fetchSubscriptions', async () => {
    await expectOneEvent(client(system.devTokens.manager, { fetchSubscriptions: true }), 1);
  });
});

async function expectOneEvent(urql: Client, nth: number): Promise<void> {
  const events: unknown[] = [];
  const { unsubscribe } = urql
    .subscription(orderChangedSubscription, { locationId })
    .subscribe((result) => events.push(result.error ?? result.data));
  await untilLive(system.gateway, 1);
  const order = openOrdersNewestFirst(world, locationId)[nth]?.id ?? '';
  await publishOrderEvent(system, order);
  await expect.poll(() => events.length, { timeout: 5_000 }).toBe(1);
  expect(withShiftNames((events[0] as { orderChanged: unknown }).orderChanged)).toEqual(
    expectedOrderChanged(world, order),
  );
  unsubscribe();
  await untilLive(system.gateway, 0, 0);
}
