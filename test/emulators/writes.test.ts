import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import type { CatalogObject, Location } from '../../emulators/square-types.ts';
import type { WorldChange } from '../../emulators/world.ts';
import { squareClient, squareErrorBody, startTestEmulators } from './square-client.ts';

let system: Emulators;
let location: Location;
let burger: CatalogObject;
const changes: WorldChange[] = [];

beforeAll(async () => {
  system = await startTestEmulators();
  system.world.onChange((change) => changes.push(change));
  const found = [...system.world.catalog.values()].find(
    (object) =>
      object.item_variation_data?.track_inventory && object.item_variation_data.name === 'Double',
  );
  if (!found || !system.world.locations[0]) throw new Error('seed incomplete');
  location = system.world.locations[0];
  burger = found;
});
afterAll(() => system.close());

const pos = () => squareClient(system.pos.url);
const inventory = () => squareClient(system.inventory.url);
const priceOf = (variation: CatalogObject) =>
  variation.item_variation_data?.price_money.amount ?? 0;

async function inStock(variationId: string, locationId: string): Promise<string> {
  const response = await inventory().post('/v2/inventory/counts/batch-retrieve', {
    catalog_object_ids: [variationId],
    location_ids: [locationId],
    states: ['IN_STOCK'],
  });
  return response.body.counts[0].quantity;
}

async function createOrder(key: string, quantity = '2') {
  return pos().post('/v2/orders', {
    idempotency_key: key,
    order: { location_id: location.id, line_items: [{ catalog_object_id: burger.id, quantity }] },
  });
}

describe('creating orders', () => {
  it('creates an OPEN order priced from the catalog', async () => {
    const response = await createOrder('create-1');
    expect(response.status).toBe(200);
    const order = response.body.order;
    expect(order).toMatchObject({ location_id: location.id, state: 'OPEN', version: 1 });
    expect(order.line_items[0]).toMatchObject({
      catalog_object_id: burger.id,
      variation_name: 'Double',
      quantity: '2',
      base_price_money: { amount: priceOf(burger), currency: 'USD' },
      total_money: { amount: priceOf(burger) * 2, currency: 'USD' },
    });
    expect(order.total_money).toEqual({ amount: priceOf(burger) * 2, currency: 'USD' });
    expect(order.net_amount_due_money).toEqual(order.total_money);
    expect((await pos().get(`/v2/orders/${order.id}`)).body).toEqual({ order });
  });

  it('replays the first response for the same idempotency key and body', async () => {
    const before = system.world.orders.size;
    const first = await createOrder('create-2');
    const replay = await createOrder('create-2');
    expect(replay).toEqual(first);
    expect(system.world.orders.size).toBe(before + 1);
  });

  it('refuses the same idempotency key with a different body', async () => {
    await createOrder('create-3', '1');
    const reused = await createOrder('create-3', '5');
    expect(reused).toEqual({
      status: 400,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'IDEMPOTENCY_KEY_REUSED', 'idempotency_key'),
    });
  });

  it('applies order-scoped percentage discounts before taxes', async () => {
    const response = await pos().post('/v2/orders', {
      order: {
        location_id: location.id,
        line_items: [
          {
            name: 'Pie of the day',
            quantity: '1',
            base_price_money: { amount: 1000, currency: 'USD' },
          },
        ],
        discounts: [{ name: 'Staff', percentage: '50' }],
        taxes: [{ name: 'Sales Tax', percentage: '10' }],
      },
    });
    expect(response.body.order).toMatchObject({
      total_discount_money: { amount: 500 },
      total_tax_money: { amount: 50 },
      total_money: { amount: 550 },
    });
  });

  it('refuses a line item naming an unknown variation', async () => {
    const response = await pos().post('/v2/orders', {
      order: {
        location_id: location.id,
        line_items: [{ catalog_object_id: 'NOPE', quantity: '1' }],
      },
    });
    expect(response).toEqual({
      status: 400,
      body: squareErrorBody(
        'INVALID_REQUEST_ERROR',
        'INVALID_VALUE',
        'order.line_items[0].catalog_object_id',
      ),
    });
  });
});

describe('updating orders', () => {
  it('applies a sparse update at the current version and bumps it', async () => {
    const { order } = (await createOrder('update-1')).body;
    const response = await pos().put(`/v2/orders/${order.id}`, {
      order: { version: 1, ticket_name: 'Booth 3' },
    });
    expect(response.status).toBe(200);
    expect(response.body.order).toMatchObject({
      id: order.id,
      version: 2,
      ticket_name: 'Booth 3',
      state: 'OPEN',
    });
    expect(response.body.order.line_items).toEqual(order.line_items);
    expect(response.body.order.updated_at >= order.updated_at).toBe(true);
  });

  it('refuses a stale version with 409 CONFLICT', async () => {
    const { order } = (await createOrder('update-2')).body;
    await pos().put(`/v2/orders/${order.id}`, { order: { version: 1, ticket_name: 'A' } });
    const stale = await pos().put(`/v2/orders/${order.id}`, {
      order: { version: 1, ticket_name: 'B' },
    });
    expect(stale).toEqual({
      status: 409,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'CONFLICT', 'order.version'),
    });
    expect(system.world.orders.get(order.id)?.ticket_name).toBe('A');
  });

  it('completing an order closes it, settles what is due and takes its items out of stock', async () => {
    const { order } = (await createOrder('update-3', '3')).body;
    const stockBefore = Number(await inStock(burger.id, location.id));
    const response = await pos().put(`/v2/orders/${order.id}`, {
      order: { version: 1, state: 'COMPLETED' },
    });
    expect(response.body.order).toMatchObject({
      state: 'COMPLETED',
      version: 2,
      net_amount_due_money: { amount: 0 },
    });
    expect(response.body.order.closed_at).toBe(response.body.order.updated_at);
    expect(Number(await inStock(burger.id, location.id))).toBe(stockBefore - 3);
  });

  it('a completed order cannot change', async () => {
    const { order } = (await createOrder('update-4')).body;
    await pos().put(`/v2/orders/${order.id}`, { order: { version: 1, state: 'CANCELED' } });
    const response = await pos().put(`/v2/orders/${order.id}`, {
      order: { version: 2, ticket_name: 'Too late' },
    });
    expect(response).toEqual({
      status: 400,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'BAD_REQUEST', 'order'),
    });
  });

  it('fields_to_clear removes a line item and reprices the order', async () => {
    const created = await pos().post('/v2/orders', {
      order: {
        location_id: location.id,
        line_items: [
          { uid: 'keep', catalog_object_id: burger.id, quantity: '1' },
          { uid: 'drop', catalog_object_id: burger.id, quantity: '4', note: 'extra pickles' },
        ],
      },
    });
    const { order } = created.body;
    const response = await pos().put(`/v2/orders/${order.id}`, {
      order: { version: 1 },
      fields_to_clear: ['line_items[drop]'],
    });
    expect(response.body.order.line_items.map((line: { uid: string }) => line.uid)).toEqual([
      'keep',
    ]);
    expect(response.body.order.total_money).toEqual({ amount: priceOf(burger), currency: 'USD' });
  });
});

describe('inventory changes', () => {
  const occurredNow = () => system.world.clock().toISOString();

  it('an adjustment to WASTE lowers the IN_STOCK count seen by batch-retrieve', async () => {
    const before = Number(await inStock(burger.id, location.id));
    const response = await inventory().post('/v2/inventory/changes/batch-create', {
      idempotency_key: 'waste-1',
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: {
            catalog_object_id: burger.id,
            location_id: location.id,
            from_state: 'IN_STOCK',
            to_state: 'WASTE',
            quantity: '2',
            occurred_at: occurredNow(),
          },
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.counts).toContainEqual(
      expect.objectContaining({
        state: 'IN_STOCK',
        quantity: String(before - 2),
        location_id: location.id,
      }),
    );
    expect(Number(await inStock(burger.id, location.id))).toBe(before - 2);
  });

  it('a physical count sets the count, and replaying the batch does not apply it twice', async () => {
    const batch = {
      idempotency_key: 'count-1',
      changes: [
        {
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: burger.id,
            location_id: location.id,
            state: 'IN_STOCK',
            quantity: '42.5',
            occurred_at: occurredNow(),
          },
        },
      ],
    };
    const first = await inventory().post('/v2/inventory/changes/batch-create', batch);
    const historyLength = system.world.inventoryChanges.length;
    const replay = await inventory().post('/v2/inventory/changes/batch-create', batch);
    expect(replay).toEqual(first);
    expect(system.world.inventoryChanges.length).toBe(historyLength);
    expect(await inStock(burger.id, location.id)).toBe('42.5');
  });

  it('a transfer moves stock between locations', async () => {
    const [, harbor] = system.world.locations;
    if (!harbor) throw new Error('seed incomplete');
    const [fromBefore, toBefore] = [
      await inStock(burger.id, location.id),
      await inStock(burger.id, harbor.id),
    ];
    const response = await inventory().post('/v2/inventory/changes/batch-create', {
      idempotency_key: 'transfer-1',
      changes: [
        {
          type: 'TRANSFER',
          transfer: {
            catalog_object_id: burger.id,
            from_location_id: location.id,
            to_location_id: harbor.id,
            state: 'IN_STOCK',
            quantity: '5',
            occurred_at: occurredNow(),
          },
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(Number(await inStock(burger.id, location.id))).toBe(Number(fromBefore) - 5);
    expect(Number(await inStock(burger.id, harbor.id))).toBe(Number(toBefore) + 5);
  });

  it('a change that occurred more than 24 hours ago is refused', async () => {
    const dayAndAMinuteAgo = new Date(system.world.clock().getTime() - 24 * 3_600_000 - 60_000);
    const response = await inventory().post('/v2/inventory/changes/batch-create', {
      idempotency_key: 'old-1',
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: {
            catalog_object_id: burger.id,
            location_id: location.id,
            from_state: 'IN_STOCK',
            to_state: 'WASTE',
            quantity: '1',
            occurred_at: dayAndAMinuteAgo.toISOString(),
          },
        },
      ],
    });
    expect(response).toEqual({
      status: 400,
      body: squareErrorBody(
        'INVALID_REQUEST_ERROR',
        'INVALID_VALUE',
        'changes[0].adjustment.occurred_at',
      ),
    });
  });

  it('new changes come last in the history, oldest first', async () => {
    await inventory().post('/v2/inventory/changes/batch-create', {
      idempotency_key: 'history-1',
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: {
            reference_id: 'spilled-tray',
            catalog_object_id: burger.id,
            location_id: location.id,
            from_state: 'IN_STOCK',
            to_state: 'WASTE',
            quantity: '1',
            occurred_at: occurredNow(),
          },
        },
      ],
    });
    const response = await inventory().post('/v2/inventory/changes/batch-retrieve', {
      catalog_object_ids: [burger.id],
      location_ids: [location.id],
    });
    const history = response.body.changes;
    const createdAt = history.map(
      (change: { adjustment?: { created_at: string }; physical_count?: { created_at: string } }) =>
        (change.adjustment ?? change.physical_count)?.created_at,
    );
    expect(createdAt).toEqual([...createdAt].sort());
    expect(history.at(-1).adjustment).toMatchObject({
      reference_id: 'spilled-tray',
      to_state: 'WASTE',
    });
  });
});

describe('the change feed', () => {
  it('announces every write with its object', async () => {
    changes.length = 0;
    const { order } = (await createOrder('feed-1')).body;
    await pos().put(`/v2/orders/${order.id}`, { order: { version: 1, state: 'COMPLETED' } });
    expect(changes.map((change) => change.kind)).toEqual([
      'order.created',
      'order.updated',
      'inventory.count.updated',
    ]);
    expect(changes[0]?.object).toEqual(order);
    expect(changes[1]?.object).toMatchObject({ id: order.id, state: 'COMPLETED', version: 2 });
    expect(changes[2]?.object).toEqual([
      expect.objectContaining({ catalog_object_id: burger.id, state: 'IN_STOCK' }),
    ]);
  });

  it('stops after unsubscribing', () => {
    const seen: WorldChange[] = [];
    const unsubscribe = system.world.onChange((change) => seen.push(change));
    system.world.seedOrders(location.id, 2, { state: 'OPEN' });
    unsubscribe();
    system.world.seedOrders(location.id, 3);
    expect(seen.map((change) => change.kind)).toEqual(['order.created', 'order.created']);
  });
});
