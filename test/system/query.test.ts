import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { expectedOverview } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';

const world = createWorld({ seed: 7, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

type Overview = { location: ReturnType<typeof expectedOverview> };

describe('the README cross-system query through the gateway', () => {
  it('answers every location with orders (POS), stock (inventory) and who is on shift (scheduling)', async () => {
    for (const location of world.locations) {
      const { status, body } = await postGraphQL<Overview>(
        system.gateway.url,
        locationOverviewQuery,
        {
          locationId: location.id,
          orders: 5,
        },
      );
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const answer = body.data?.location;
      const expected = expectedOverview(world, location.id, 5);
      expect(answer?.openOrders).toEqual(expected.openOrders);
      expect(answer?.lowStockItems).toEqual(expected.lowStockItems);
      expect(
        answer?.onShiftNow.map((m) => (m as unknown as { displayName: string }).displayName).sort(),
      ).toEqual(expected.onShiftNow);
      expect(answer?.name).toBe(location.name);
      expect(expected.openOrders).toHaveLength(5);
      expect(expected.onShiftNow.length).toBeGreaterThan(0);
      expect(expected.lowStockItems.length).toBeGreaterThan(0);
    }
  });

  it('answers null with no error for a location id the vendor does not know', async () => {
    const { body } = await postGraphQL(
      system.gateway.url,
      'query { location(id: "NOPE") { name } }',
    );
    expect(body).toEqual({ data: { location: null } });
  });

  it('maps money to minor units and vendor enums to graph enums', async () => {
    const order = [...world.orders.values()].find((o) => o.state === 'CANCELED');
    const { body } = await postGraphQL(
      system.gateway.url,
      'query ($id: ID!) { order(id: $id) { state version location { id } netAmountDue { amount currency } } }',
      { id: order?.id },
    );
    expect(body).toEqual({
      data: {
        order: {
          state: 'CANCELED',
          version: order?.version,
          location: { id: order?.location_id },
          netAmountDue: {
            amount: order?.net_amount_due_money?.amount,
            currency: order?.net_amount_due_money?.currency,
          },
        },
      },
    });
  });
});

describe('subgraph entities', () => {
  const entities = (url: string, representations: object[], selection: string) =>
    postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, {
      r: representations,
    });

  it('POS resolves MenuItem references in order, with null and NOT_FOUND for an unknown one', async () => {
    const [first, second] = [...world.catalog.values()].filter((o) => o.type === 'ITEM_VARIATION');
    const { body } = await entities(
      system.pos.url,
      [
        { __typename: 'MenuItem', id: second?.id },
        { __typename: 'MenuItem', id: 'UNKNOWN' },
        { __typename: 'MenuItem', id: first?.id },
      ],
      '... on MenuItem { id price { amount } }',
    );
    expect(body.data?._entities).toEqual([
      { id: second?.id, price: { amount: second?.item_variation_data?.price_money?.amount } },
      null,
      { id: first?.id, price: { amount: first?.item_variation_data?.price_money?.amount } },
    ]);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('inventory resolves a Location reference to its low-stock items', async () => {
    const location = world.locations[1];
    const { body } = await entities(
      system.inventory.url,
      [{ __typename: 'Location', id: location?.id }],
      '... on Location { lowStockItems(below: 5) { quantity menuItem { id } } }',
    );
    const expected = expectedOverview(world, location?.id ?? '', 0).lowStockItems;
    const [got] = (body.data?._entities ?? []) as { lowStockItems: { quantity: number }[] }[];
    expect(got?.lowStockItems.map((s) => s.quantity)).toEqual(expected.map((s) => s.quantity));
  });

  it('scheduling resolves a Location reference to who is on shift', async () => {
    const location = world.locations[2];
    const { body } = await entities(
      system.scheduling.url,
      [{ __typename: 'Location', id: location?.id }],
      '... on Location { onShiftNow { displayName } }',
    );
    const [got] = (body.data?._entities ?? []) as { onShiftNow: { displayName: string }[] }[];
    expect(got?.onShiftNow.map((m) => m.displayName).sort()).toEqual(
      expectedOverview(world, location?.id ?? '', 0).onShiftNow,
    );
  });
});
