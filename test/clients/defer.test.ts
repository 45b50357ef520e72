import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { ordersThenStockQuery } from '../../schema/operations.ts';
import { expectedLineItems, openOrdersNewestFirst, withoutTypenames } from '../expected.ts';
import { startTestSystem } from '../system.ts';

/**
 * `@defer` with incremental delivery: with inventory's vendor slowed, the orders arrive first and
 * the stock when inventory answers, in the multipart format Apollo Client and urql read.
 */
const world = createWorld({ seed: 27, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
const inventoryDelayMs = 600;
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

// schema/operations/OrdersThenStock.graphql, as the README shows it.
const ordersThenStock = ordersThenStockQuery;

const orders = () => openOrdersNewestFirst(world, locationId).slice(0, 2);

/** The whole answer, as the world holds it. */
const expectedLocation = () => ({
  name: world.locations[0]?.name,
  openOrders: orders().map((order) => ({
    id: order.id,
    lineItems: expectedLineItems(world, order, locationId),
  })),
});

const slowInventory = () =>
  system.emulators.inventory.faults.set([{ kind: 'latency', ms: inventoryDelayMs }]);

/** POSTs a query as Apollo Client sends a deferred one, or (`multipart: false`) as a plain client. */
const send = (body: unknown, multipart = true) =>
  fetch(system.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${system.devTokens.manager}`,
      ...(multipart ? { accept: 'multipart/mixed;deferSpec=20220824, application/json' } : {}),
    },
    body: JSON.stringify(body),
  });

const callsByEndpoint = () => ({
  ...system.emulators.pos.calls.byEndpoint(),
  ...system.emulators.inventory.calls.byEndpoint(),
});

describe('@defer', () => {
  it('costs the vendor calls of the same query without @defer: the path’s parents come from the subgraph caches', async () => {
    for (const emulator of [system.emulators.pos, system.emulators.inventory])
      emulator.calls.reset();
    // Another location than the other tests': its stock is not cached yet.
    await send({ query: ordersThenStock, variables: { locationId: world.locations[1]?.id } }).then(
      (response) => response.text(),
    );
    // One of each, as for the query without @defer, though the deferred part asks for its
    // orders again: the POS subgraph shares the in-flight vendor call and caches the catalog.
    expect(callsByEndpoint()).toEqual({
      'GET /v2/locations': 1,
      'POST /v2/orders/search': 1,
      'POST /v2/catalog/batch-retrieve': 1,
      'POST /v2/inventory/counts/batch-retrieve': 1,
    });
  });

  it('sends the orders first and the stock when inventory answers, in the deferSpec=20220824 format', async () => {
    slowInventory();
    const started = performance.now();
    const response = await send({ query: ordersThenStock, variables: { locationId } });
    expect(response.headers.get('content-type')).toBe(
      'multipart/mixed;boundary="graphql";deferSpec=20220824',
    );
    const parts: { at: number; body: Record<string, unknown> }[] = [];
    let text = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += new TextDecoder().decode(chunk);
      const complete = text.split('\r\n--graphql').filter((p) => p.startsWith('\r\ncontent-type'));
      while (parts.length < complete.length) {
        const raw = complete[parts.length] ?? '';
        parts.push({
          at: performance.now() - started,
          body: JSON.parse(raw.split('\r\n\r\n')[1] ?? ''),
        });
      }
    }
    system.emulators.inventory.faults.clear();
    expect(text.endsWith('\r\n--graphql--\r\n')).toBe(true);
    expect(parts).toHaveLength(2);
    const [initial, deferred] = parts;
    // The orders did not wait for inventory.
    expect(initial?.at).toBeLessThan(inventoryDelayMs);
    expect(deferred?.at).toBeGreaterThanOrEqual(inventoryDelayMs);
    const whole = expectedLocation();
    expect(initial?.body).toEqual({
      data: {
        location: {
          ...whole,
          openOrders: whole.openOrders.map((order) => ({
            ...order,
            lineItems: order.lineItems.map((line) => ({
              ...line,
              menuItem: line.menuItem ? { fullName: line.menuItem.fullName } : null,
            })),
          })),
        },
      },
      hasNext: true,
    });
    expect(deferred?.body).toEqual({
      incremental: whole.openOrders.flatMap((order, o) =>
        order.lineItems.flatMap((line, l) =>
          line.menuItem
            ? [
                {
                  data: { stock: line.menuItem.stock },
                  path: ['location', 'openOrders', o, 'lineItems', l, 'menuItem'],
                  label: 'stock',
                },
              ]
            : [],
        ),
      ),
      hasNext: false,
    });
  });

  it('Apollo Client (Defer20220824Handler) sees the orders first, then the whole answer', async () => {
    slowInventory();
    const client = new ApolloClient({
      link: new HttpLink({
        uri: system.gateway.url,
        headers: { authorization: `Bearer ${system.devTokens.manager}` },
      }),
      cache: new InMemoryCache({ addTypename: false } as never),
      incrementalHandler: new Defer20220824Handler(),
    });
    const seen: { dataState: string; data: unknown }[] = [];
    const subscription = client
      .watchQuery({ query: gql(ordersThenStock), variables: { locationId } })
      .subscribe((result) => seen.push({ dataState: result.dataState, data: result.data }));
    await expect.poll(() => seen.at(-1)?.dataState, { timeout: 5_000 }).toBe('complete');
    subscription.unsubscribe();
    system.emulators.inventory.faults.clear();
    expect(seen.map((s) => s.dataState)).toContain('streaming');
    expect(withoutTypenames(seen.at(-1)?.data)).toEqual({ location: expectedLocation() });
  });

  it('urql at its defaults reads it too', async () => {
    const client = new Client({
      url: system.gateway.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${system.devTokens.manager}` } },
    });
    const results: { data: unknown; hasNext: boolean }[] = [];
    const { unsubscribe } = client
      .query(ordersThenStock, { locationId })
      .subscribe((result) => results.push({ data: result.data, hasNext: result.hasNext }));
    await expect.poll(() => results.at(-1)?.hasNext, { timeout: 5_000 }).toBe(false);
    unsubscribe();
    expect(withoutTypenames(results.at(-1)?.data)).toEqual({ location: expectedLocation() });
  });

  it('a client that accepts no multipart response gets everything at once', async () => {
    const response = await send({ query: ordersThenStock, variables: { locationId } }, false);
    expect(await response.json()).toEqual({ data: { location: expectedLocation() } });
  });

  it('refuses @defer where the spec does not allow it, with the validation code', async () => {
    const response = await send({ query: `{ location(id: "${locationId}") { name @defer } }` });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0]).toEqual({
      message: 'Directive "@defer" may not be used on FIELD.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
