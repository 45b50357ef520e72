import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { locationOverviewQuery, orderChangedSubscription } from '../../schema/operations.ts';
import {
  expectedOrderChanged,
  expectedOverview,
  openOrdersNewestFirst,
  withoutTypenames,
  withShiftNames,
} from '../expected.ts';
import { untilLive } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

/**
 * Apollo Client 4 at its default settings, as a web app sets it up (README "Clients"): queries
 * and errors over HttpLink, subscriptions over graphql-ws and over HttpLink's multipart protocol.
 */
const world = createWorld({ seed: 22, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const httpClient = (token: string) =>
  new ApolloClient({
    link: new HttpLink({ uri: system.gateway.url, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache(),
  });

function firstEvent(observable: {
  subscribe(observer: { next(value: unknown): void; error(error: unknown): void }): {
    unsubscribe(): void;
  };
}) {
  let subscription: { unsubscribe(): void } | undefined;
  const first = new Promise<{ data?: unknown; error?: unknown }>((resolve, reject) => {
    subscription = observable.subscribe({
      next: (value) => resolve(value as { data?: unknown }),
      error: reject,
    });
  });
  return { first, stop: () => subscription?.unsubscribe() };
}

/** Subscribes to the README's OrderChanged, publishes the n-th open order, checks the event. */
async function expectOneOrderEvent(client: ApolloClient, nth: number): Promise<void> {
  const { first, stop } = firstEvent(
    client.subscribe({ query: gql(orderChangedSubscription), variables: { locationId } }),
  );
  await untilLive(system.gateway, 1);
  const order = openOrdersNewestFirst(world, locationId)[nth]?.id ?? '';
  await publishOrderEvent(system, order);
  const event = await first;
  expect(
    withShiftNames(withoutTypenames((event.data as { orderChanged: unknown }).orderChanged)),
  ).toEqual(expectedOrderChanged(world, order));
  stop();
}

describe('Apollo Client 4 at its defaults', () => {
  it('runs the README query and gets the world’s answer', async () => {
    const client = httpClient(system.devTokens.manager);
    const result = await client.query({
      query: gql(locationOverviewQuery),
      variables: { locationId, orders: 3 },
    });
    const { location } = result.data as {
      location: Record<string, unknown> & { onShiftNow: { displayName: string }[] };
    };
    const { onShiftNow, ...rest } = expectedOverview(world, locationId, 3);
    expect({ ...location, onShiftNow: undefined }).toMatchObject({
      ...rest,
      onShiftNow: undefined,
    });
    expect(location.onShiftNow.map((m) => m.displayName).sort()).toEqual(onShiftNow);
  });

  it('reads the gateway’s own refusals as GraphQL errors with their codes, not a bare ServerError', async () => {
    const client = httpClient('not-a-token');
    const error = await client
      .query({ query: gql(`query Name { location(id: "${locationId}") { name } }`) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);

    const staff = await system.mintToken('staff', [locationId]);
    const forbidden = await httpClient(staff)
      .query({
        query: gql(
          `query Wages { location(id: "${locationId}") { openTimecards { wage { hourlyRate { amount } } } } }`,
        ),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(CombinedGraphQLErrors.is(forbidden)).toBe(true);
    expect((forbidden as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('receives a subscription event over graphql-ws (GraphQLWsLink)', async () => {
    const wsClient = createClient({
      url: system.gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${system.devTokens.manager}` },
    });
    const client = new ApolloClient({
      link: new GraphQLWsLink(wsClient),
      cache: new InMemoryCache(),
    });
    await expectOneOrderEvent(client, 0);
    await wsClient.dispose();
    await untilLive(system.gateway, 0, 0);
  });

  it('receives a subscription event over multipart HTTP (HttpLink alone)', async () => {
    const client = httpClient(system.devTokens.manager);
    await expectOneOrderEvent(client, 1);
    // Unsubscribing aborts the request: the gateway lets the subscription go.
    await untilLive(system.gateway, 0, 0);
  });
});
