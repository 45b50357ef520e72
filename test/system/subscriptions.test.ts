import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { devJwtSecret, mintDevToken } from '../../gateway/auth/tokens.ts';
import { inStock, menuItemFullName, onShiftNow, openOrdersNewestFirst } from '../expected.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

const world = createWorld({ seed: 11, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const location = world.locations[0];
const locationId = location?.id ?? '';

const orderChanged = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) {
      id
      state
      version
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

const publishOrder = (orderId: string) => publishOrderEvent(system, orderId);

describe('federated subscriptions through the gateway', () => {
  it('an order event reaches the client with fields from POS, inventory and scheduling resolved', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId });
    await untilSubscribed(system.gateway, 1);
    const [open] = openOrdersNewestFirst(world, locationId);
    await publishOrder(open?.id ?? '');
    const [result] = await subscription.waitFor(1);
    const shifts = rootField<{ location: { onShiftNow: { displayName: string }[] } }>(
      result,
      'orderChanged',
    ).location.onShiftNow;
    expect(result).toEqual({
      data: {
        orderChanged: {
          id: open?.id,
          state: 'OPEN',
          version: open?.version,
          lineItems: (open?.line_items ?? []).map((line) => ({
            menuItem: {
              fullName: menuItemFullName(world, line.catalog_object_id ?? ''),
              stock:
                inStock(world, line.catalog_object_id ?? '', locationId) === null
                  ? null
                  : { quantity: inStock(world, line.catalog_object_id ?? '', locationId) },
            },
          })),
          location: { name: location?.name, onShiftNow: shifts },
        },
      },
    });
    expect(shifts.map((m) => m.displayName).sort()).toEqual(onShiftNow(world, locationId));
    subscription.dispose();
    await client.dispose();
  });

  it('events for another location are not delivered', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, orderChanged, { locationId });
    await untilSubscribed(system.gateway, 1);
    const other = openOrdersNewestFirst(world, world.locations[1]?.id ?? '')[0];
    const mine = openOrdersNewestFirst(world, locationId)[1];
    await publishOrder(other?.id ?? '');
    await publishOrder(mine?.id ?? '');
    // Events arrive in the bus's order: a later one of this location's closes the window in
    // which the other location's (published first) could have shown up.
    const later = openOrdersNewestFirst(world, locationId)[2];
    await publishOrder(later?.id ?? '');
    const results = await subscription.waitFor(2);
    expect(results.map((r) => rootField<{ id: string }>(r, 'orderChanged').id)).toEqual([
      mine?.id,
      later?.id,
    ]);
    subscription.dispose();
    await client.dispose();
  });

  it('200 clients with the same subscription share one upstream subscription and one resolution per event', async () => {
    const before = system.gateway.subscriptions.counters.snapshot();
    const clients = Array.from({ length: 200 }, () => connect(system.gateway.url));
    const subscriptions = clients.map((client) => subscribe(client, orderChanged, { locationId }));
    await untilSubscribed(system.gateway, 1, 200);
    const opened = (snapshot: Record<string, number>) =>
      snapshot['upstream_subscriptions_opened{subgraph="pos"}'] ?? 0;
    const resolutions = (snapshot: Record<string, number>) =>
      snapshot['subscription_event_resolutions{subgraph="pos"}'] ?? 0;
    const [first, second] = openOrdersNewestFirst(world, locationId);
    await publishOrder(first?.id ?? '');
    await publishOrder(second?.id ?? '');
    const delivered = await Promise.all(subscriptions.map((s) => s.waitFor(2)));
    const after = system.gateway.subscriptions.counters.snapshot();
    expect(opened(after) - opened(before)).toBe(1);
    expect(resolutions(after) - resolutions(before)).toBe(2);
    expect(
      delivered.every((results) => JSON.stringify(results) === JSON.stringify(delivered[0])),
    ).toBe(true);
    expect(delivered[0]?.map((r) => rootField<{ id: string }>(r, 'orderChanged').id)).toEqual([
      first?.id,
      second?.id,
    ]);

    for (const s of subscriptions) s.dispose();
    await Promise.all(clients.map((client) => client.dispose()));
    for (
      let i = 0;
      i < 100 && system.gateway.subscriptions.subscriptions.openUpstreams() > 0;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(system.gateway.subscriptions.subscriptions.openUpstreams()).toBe(0);
  });

  it('different users with the same roles and locations share one upstream; other locations get their own', async () => {
    const tokenFor = (subject: string, locations: string[]) =>
      mintDevToken(devJwtSecret, { subject, role: 'staff', locations });
    const other = world.locations[1]?.id ?? '';
    const callers = [
      await tokenFor('alice', [locationId]),
      await tokenFor('bob', [locationId]),
      await tokenFor('carol', [other, locationId]),
    ];
    const clients = callers.map((token) =>
      connect(system.gateway.url, { authorization: `Bearer ${token}` }),
    );
    const opened = () =>
      system.gateway.subscriptions.counters.get('upstream_subscriptions_opened', {
        subgraph: 'pos',
      });
    const before = opened();
    const subscriptions = clients.map((client) => subscribe(client, orderChanged, { locationId }));
    await untilSubscribed(system.gateway, 2, 3);
    // Alice and Bob see the same thing, so they share; Carol may see more (another location).
    expect(opened() - before).toBe(2);
    const [order] = openOrdersNewestFirst(world, locationId);
    await publishOrder(order?.id ?? '');
    const delivered = await Promise.all(subscriptions.map((s) => s.waitFor(1)));
    expect(delivered.map(([r]) => rootField<{ id: string }>(r, 'orderChanged').id)).toEqual([
      order?.id,
      order?.id,
      order?.id,
    ]);
    for (const s of subscriptions) s.dispose();
    await Promise.all(clients.map((client) => client.dispose()));
    await expect.poll(() => system.gateway.subscriptions.subscriptions.openUpstreams()).toBe(0);
  });

  it('an invalid operation gets an error at once, not a hang', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, 'subscription { orderChanged(locationId: 1) { nope } }');
    const error = (await subscription.failure) as { message: string }[];
    expect(error.map((e) => e.message)).toEqual(['Cannot query field "nope" on type "Order".']);
    await client.dispose();
  });
});
