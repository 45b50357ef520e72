import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { DEFAULT_TOKEN } from '../../emulators/index.ts';
import type { Order } from '../../emulators/square-types.ts';
import { createWorld, type World } from '../../emulators/world.ts';
import { squareClient } from '../emulators/square-client.ts';
import { inStock, menuItemFullName, offShiftMember, openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';
import { orderUpdatedEvent, sendWebhook } from '../webhookSender.ts';

/**
 * Real-time end to end: a change made through a vendor API (or the vendor's own world, for
 * clock-ins) reaches a graphql-ws client of the gateway through the vendor's signed webhook,
 * the subgraph's receiver and the federated subscription, with fields from every subgraph.
 * Webhook delivery runs at 600 times Square's pace: its first retry comes after 100 ms.
 */
const webhooks = { timeScale: 600, answerTimeoutMs: 5_000 };

const orderChanged = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) {
      id
      state
      version
      ticketName
      lineItems {
        menuItem {
          fullName
          stock(locationId: $locationId) {
            quantity
          }
        }
      }
      location {
        name
        onShiftNow {
          displayName
        }
      }
    }
  }
`;

const stockChanged = /* GraphQL */ `
  subscription StockChanged($locationId: ID!) {
    stockChanged(locationId: $locationId) {
      quantity
      menuItem {
        fullName
      }
      location {
        name
      }
    }
  }
`;

const timecardChanged = /* GraphQL */ `
  subscription TimecardChanged($locationId: ID!) {
    timecardChanged(locationId: $locationId) {
      status
      version
      teamMember {
        displayName
      }
      location {
        name
      }
    }
  }
`;

type OrderResult = { id: string; version: number; location: { onShiftNow: unknown[] } };

/** The pushed order as the graph should show it now, except the (unordered) people on shift. */
function expectedOrder(world: World, orderId: string, onShiftNow: unknown[]) {
  const order = world.orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  const location = world.locations.find((l) => l.id === order.location_id);
  return {
    orderChanged: {
      id: order.id,
      state: order.state,
      version: order.version,
      ticketName: order.ticket_name ?? null,
      lineItems: (order.line_items ?? []).map((line) => {
        const variation = line.catalog_object_id;
        if (!variation) return { menuItem: null };
        const quantity = inStock(world, variation, order.location_id);
        return {
          menuItem: {
            fullName: menuItemFullName(world, variation),
            stock: quantity === null ? null : { quantity },
          },
        };
      }),
      location: { name: location?.name, onShiftNow },
    },
  };
}

function displayName(world: World, memberId: string): string {
  const member = world.teamMembers.get(memberId);
  return [member?.given_name, member?.family_name].filter(Boolean).join(' ');
}

function orderAt(world: World, locationIndex: number, rank: number): Order {
  const order = openOrdersNewestFirst(world, world.locations[locationIndex]?.id ?? '')[rank];
  if (!order) throw new Error(`no open order ${rank} at location ${locationIndex}`);
  return order;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilDelivered(
  emulator: LocalSystem['emulators']['pos'],
  done: (log: ReturnType<typeof emulator.webhooks.deliveries>) => boolean,
) {
  for (let i = 0; i < 500 && !done(emulator.webhooks.deliveries()); i++) await pause(10);
}

describe('vendor webhooks through the gateway to subscribed clients', () => {
  const world = createWorld({ seed: 21, now: new Date('2026-11-26T12:00:00Z') });
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startTestSystem({ world, webhooks });
  });
  afterEach(() => {
    for (const emulator of [
      system.emulators.pos,
      system.emulators.inventory,
      system.emulators.scheduling,
    ]) {
      emulator.webhooks.setFaults({});
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  const published = (subgraph: LocalSystem['pos' | 'inventory' | 'scheduling']) =>
    subgraph.counters.get('domain_events_published');

  it('an order update through the POS API reaches the client with fields from POS, inventory and scheduling', async () => {
    const order = orderAt(world, 0, 0);
    const locationId = order.location_id;
    const query = `{ order(id: "${order.id}") { version ticketName } }`;
    expect((await postGraphQL(system.gateway.url, query)).body.data).toEqual({
      order: { version: order.version, ticketName: order.ticket_name ?? null },
    });
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId });
    await untilSubscribed(system.gateway, 1);

    const pos = squareClient(system.emulators.pos.url, DEFAULT_TOKEN);
    const { status } = await pos.put(`/v2/orders/${order.id}`, {
      idempotency_key: crypto.randomUUID(),
      order: { version: order.version, ticket_name: 'Window 3' },
    });
    expect(status).toBe(200);
    const [result] = await subscription.waitFor(1);
    const shifts = rootField<OrderResult>(result, 'orderChanged').location.onShiftNow;
    expect(result).toEqual({ data: expectedOrder(world, order.id, shifts) });
    expect(rootField<OrderResult>(result, 'orderChanged')).toMatchObject({
      version: order.version + 1,
      ticketName: 'Window 3',
    });
    expect(shifts.length).toBeGreaterThan(0);
    // The cached order was dropped: the next query reads the new version.
    expect((await postGraphQL(system.gateway.url, query)).body.data).toEqual({
      order: { version: order.version + 1, ticketName: 'Window 3' },
    });
    await pause(100);
    expect(subscription.results).toHaveLength(1);
    subscription.dispose();
    await client.dispose();
  });

  it('a stock count set through the inventory API reaches stockChanged clients, and the next query sees it', async () => {
    const locationId = world.locations[0]?.id ?? '';
    const count = [...world.inventoryCounts.values()].find(
      (c) => c.location_id === locationId && c.state === 'IN_STOCK' && Number(c.quantity) > 10,
    );
    const variation = count?.catalog_object_id ?? '';
    const query = `{ stock(menuItemId: "${variation}", locationId: "${locationId}") { quantity } }`;
    expect((await postGraphQL(system.gateway.url, query)).body.data).toEqual({
      stock: { quantity: Number(count?.quantity) },
    });
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, stockChanged, { locationId });
    await untilSubscribed(system.gateway, 1);

    const counted = Number(count?.quantity) + 5;
    const inventory = squareClient(system.emulators.inventory.url, DEFAULT_TOKEN);
    const { status } = await inventory.post('/v2/inventory/changes/batch-create', {
      idempotency_key: crypto.randomUUID(),
      changes: [
        {
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: variation,
            location_id: locationId,
            state: 'IN_STOCK',
            quantity: String(counted),
            occurred_at: world.clock().toISOString(),
          },
        },
      ],
    });
    expect(status).toBe(200);
    expect(await subscription.waitFor(1)).toEqual([
      {
        data: {
          stockChanged: {
            quantity: counted,
            menuItem: { fullName: menuItemFullName(world, variation) },
            location: { name: world.locations[0]?.name },
          },
        },
      },
    ]);
    expect((await postGraphQL(system.gateway.url, query)).body.data).toEqual({
      stock: { quantity: counted },
    });
    subscription.dispose();
    await client.dispose();
  });

  it('a clock-in and a clock-out reach timecardChanged clients, and who is on shift follows', async () => {
    const location = world.locations[1];
    const locationId = location?.id ?? '';
    const query = `{ location(id: "${locationId}") { onShiftNow { id } } }`;
    const onShift = async () =>
      (
        (
          await postGraphQL<{ location: { onShiftNow: { id: string }[] } }>(
            system.gateway.url,
            query,
          )
        ).body.data?.location.onShiftNow ?? []
      ).map((m) => m.id);
    const memberId = offShiftMember(world, locationId);
    expect(await onShift()).not.toContain(memberId);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, timecardChanged, { locationId });
    await untilSubscribed(system.gateway, 1);

    const clockedIn = world.clockIn({ teamMemberId: memberId, locationId });
    if (!clockedIn.ok) throw new Error(clockedIn.rejection.detail);
    const teamMember = { displayName: displayName(world, memberId) };
    const at = { location: { name: location?.name }, teamMember };
    expect(await subscription.waitFor(1)).toEqual([
      { data: { timecardChanged: { status: 'OPEN', version: 1, ...at } } },
    ]);
    expect(await onShift()).toContain(memberId);

    world.clockOut(clockedIn.value.id);
    expect((await subscription.waitFor(2))[1]).toEqual({
      data: { timecardChanged: { status: 'CLOSED', version: 2, ...at } },
    });
    expect(await onShift()).not.toContain(memberId);
    subscription.dispose();
    await client.dispose();
  });

  it('a duplicated webhook reaches clients once', async () => {
    system.emulators.pos.webhooks.setFaults({ duplicate: 1 });
    const order = orderAt(world, 2, 0);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);
    const before = system.pos.counters.get('webhooks_received', { result: 'duplicate' });

    world.updateOrder(order.id, { version: order.version, ticket_name: 'Twice' });
    await subscription.waitFor(1);
    const deliveries = await system.emulators.pos.webhooks.settled();
    const mine = deliveries.filter((d) => d.eventId === deliveries.at(-1)?.eventId);
    expect(mine.map((d) => [d.duplicate, d.attempts])).toEqual([
      [false, [{ retryNumber: 0, status: 200 }]],
      [true, [{ retryNumber: 0, status: 200 }]],
    ]);
    await pause(100);
    expect(
      subscription.results.map((r) => rootField<OrderResult>(r, 'orderChanged').version),
    ).toEqual([order.version + 1]);
    expect(system.pos.counters.get('webhooks_received', { result: 'duplicate' }) - before).toBe(1);
    subscription.dispose();
    await client.dispose();
  });

  it('a webhook with a bad or no signature is answered 401 and changes nothing: no event, no cache invalidation', async () => {
    const order = orderAt(world, 2, 1);
    const query = `{ order(id: "${order.id}") { version ticketName } }`;
    const before = await postGraphQL(system.gateway.url, query);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);
    system.emulators.pos.calls.reset();
    const publishedBefore = published(system.pos);

    const forged = orderUpdatedEvent({ ...order, version: order.version + 5 });
    expect(await sendWebhook(system.pos, forged, { signatureKey: 'not-the-key' })).toEqual({
      status: 401,
      body: { error: 'bad signature' },
    });
    expect(await sendWebhook(system.pos, forged, { signatureKey: null })).toEqual({
      status: 401,
      body: { error: 'bad signature' },
    });
    await pause(150);
    expect(subscription.results).toEqual([]);
    expect(published(system.pos)).toBe(publishedBefore);
    // The order is still cached: answering again costs no vendor call.
    expect(await postGraphQL(system.gateway.url, query)).toEqual(before);
    expect(system.emulators.pos.calls.byEndpoint()).toEqual({});
    // The same event, signed, is applied: the 401s did not mark it seen.
    expect(await sendWebhook(system.pos, forged)).toEqual({
      status: 500,
      body: { error: 'not applied; deliver it again' },
    });
    subscription.dispose();
    await client.dispose();
  });

  it('out-of-order order events never roll an order back: v3 delivered before v2, clients get v3 only', async () => {
    system.emulators.pos.webhooks.setFaults({ reorder: true });
    const order = orderAt(world, 1, 0);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);
    const ignoredBefore = system.pos.counters.get('vendor_changes_ignored');

    world.updateOrder(order.id, { version: order.version, ticket_name: 'v2' });
    world.updateOrder(order.id, { version: order.version + 1, ticket_name: 'v3' });
    await subscription.waitFor(1);
    await system.emulators.pos.webhooks.settled();
    await pause(100);
    expect(
      subscription.results.map((r) => {
        const { version, ticketName } = rootField<OrderResult & { ticketName: string }>(
          r,
          'orderChanged',
        );
        return [version, ticketName];
      }),
    ).toEqual([[order.version + 2, 'v3']]);
    expect(system.pos.counters.get('vendor_changes_ignored') - ignoredBefore).toBe(1);
    subscription.dispose();
    await client.dispose();
  });

  it('a clock-out delivered before its clock-in leaves the timecard closed', async () => {
    system.emulators.scheduling.webhooks.setFaults({ reorder: true });
    const locationId = world.locations[2]?.id ?? '';
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, timecardChanged, { locationId });
    await untilSubscribed(system.gateway, 1);

    const memberId = offShiftMember(world, locationId);
    const clockedIn = world.clockIn({ teamMemberId: memberId, locationId });
    if (!clockedIn.ok) throw new Error(clockedIn.rejection.detail);
    world.clockOut(clockedIn.value.id);
    const deliveries = await system.emulators.scheduling.webhooks.settled();
    expect(deliveries.slice(-2).map((d) => [d.type, d.state])).toEqual([
      ['labor.timecard.created', 'delivered'],
      ['labor.timecard.updated', 'delivered'],
    ]);
    await pause(100);
    expect(subscription.results).toEqual([
      {
        data: {
          timecardChanged: {
            status: 'CLOSED',
            version: 2,
            teamMember: { displayName: displayName(world, memberId) },
            location: { name: world.locations[2]?.name },
          },
        },
      },
    ]);
    subscription.dispose();
    await client.dispose();
  });

  it('a webhook whose order cannot be fetched yet is answered 500 and applied on the vendor retry', async () => {
    const order = orderAt(world, 2, 2);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);

    // The vendor's read side lags its webhook: the order is not readable until put back.
    let hidden: Order | undefined;
    const stopHiding = world.onChange((change) => {
      if (change.kind !== 'order.updated' || change.object.id !== order.id) return;
      hidden = world.orders.get(order.id);
      world.orders.delete(order.id);
    });
    world.updateOrder(order.id, { version: order.version, ticket_name: 'Lagging' });
    stopHiding();
    await untilDelivered(system.emulators.pos, (log) => log.at(-1)?.attempts.length === 1);
    expect(subscription.results).toEqual([]);
    if (hidden) world.orders.set(order.id, hidden);

    const delivery = (await system.emulators.pos.webhooks.settled()).at(-1);
    expect(delivery?.attempts).toEqual([
      { retryNumber: 0, status: 500, failure: 'http_error' },
      { retryNumber: 1, status: 200 },
    ]);
    const [result] = await subscription.waitFor(1);
    expect(rootField<OrderResult & { ticketName: string }>(result, 'orderChanged')).toMatchObject({
      id: order.id,
      version: order.version + 1,
      ticketName: 'Lagging',
    });
    subscription.dispose();
    await client.dispose();
  });
});

describe('reconciliation', () => {
  const world = createWorld({ seed: 22, now: new Date('2026-11-26T12:00:00Z') });
  const intervalMs = 200;
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      world,
      webhooks,
      subgraphs: { reconcileIntervalMs: intervalMs },
    });
  });
  afterEach(() => {
    for (const emulator of [
      system.emulators.pos,
      system.emulators.inventory,
      system.emulators.scheduling,
    ]) {
      emulator.webhooks.setFaults({});
    }
  });
  afterAll(async () => {
    await system?.close();
  });

  const fromPolls = (subgraph: LocalSystem['pos' | 'inventory' | 'scheduling']) =>
    subgraph.counters.get('domain_events_published', { source: 'reconcile' });

  it('an order update whose webhook the vendor drops reaches clients within one poll interval', async () => {
    system.emulators.pos.webhooks.setFaults({ drop: ['order.updated'] });
    const order = orderAt(world, 0, 0);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);
    const before = fromPolls(system.pos);

    const started = Date.now();
    world.updateOrder(order.id, { version: order.version, ticket_name: 'Polled' });
    const [result] = await subscription.waitFor(1);
    expect(Date.now() - started).toBeLessThan(intervalMs + 150);
    const shifts = rootField<OrderResult>(result, 'orderChanged').location.onShiftNow;
    expect(result).toEqual({ data: expectedOrder(world, order.id, shifts) });
    expect(system.emulators.pos.webhooks.deliveries().at(-1)).toMatchObject({
      type: 'order.updated',
      state: 'dropped',
      attempts: [],
    });
    expect(fromPolls(system.pos) - before).toBe(1);
    subscription.dispose();
    await client.dispose();
  });

  it('a stock count and a clock-in whose webhooks are dropped are published by the pollers', async () => {
    system.emulators.inventory.webhooks.setFaults({ drop: true });
    system.emulators.scheduling.webhooks.setFaults({ drop: true });
    const location = world.locations[1];
    const locationId = location?.id ?? '';
    const client = connect(system.gateway.url);
    const stock = subscribe(client, stockChanged, { locationId });
    const timecards = subscribe(client, timecardChanged, { locationId });
    await untilSubscribed(system.gateway, 2, 2);

    const count = [...world.inventoryCounts.values()].find(
      (c) => c.location_id === locationId && c.state === 'IN_STOCK',
    );
    const variation = count?.catalog_object_id ?? '';
    world.batchCreateInventoryChanges([
      {
        type: 'PHYSICAL_COUNT',
        physical_count: {
          catalog_object_id: variation,
          location_id: locationId,
          state: 'IN_STOCK',
          quantity: '321',
          occurred_at: world.clock().toISOString(),
        },
      },
    ]);
    const memberId = offShiftMember(world, locationId);
    world.clockIn({ teamMemberId: memberId, locationId });

    expect(await stock.waitFor(1, intervalMs * 3)).toEqual([
      {
        data: {
          stockChanged: {
            quantity: 321,
            menuItem: { fullName: menuItemFullName(world, variation) },
            location: { name: location?.name },
          },
        },
      },
    ]);
    expect(await timecards.waitFor(1, intervalMs * 3)).toEqual([
      {
        data: {
          timecardChanged: {
            status: 'OPEN',
            version: 1,
            teamMember: { displayName: displayName(world, memberId) },
            location: { name: location?.name },
          },
        },
      },
    ]);
    expect([fromPolls(system.inventory), fromPolls(system.scheduling)]).toEqual([1, 1]);
    stock.dispose();
    timecards.dispose();
    await client.dispose();
  });

  it('a change both delivered and polled is published once', async () => {
    const order = orderAt(world, 2, 0);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId: order.location_id });
    await untilSubscribed(system.gateway, 1);
    const ignoredBefore = system.pos.counters.get('vendor_changes_ignored', {
      source: 'reconcile',
    });

    world.updateOrder(order.id, { version: order.version, ticket_name: 'Both ways' });
    await subscription.waitFor(1);
    await pause(intervalMs * 2.5);
    expect(subscription.results).toHaveLength(1);
    expect(
      system.pos.counters.get('vendor_changes_ignored', { source: 'reconcile' }) - ignoredBefore,
    ).toBeGreaterThanOrEqual(1);
    subscription.dispose();
    await client.dispose();
  });
});
