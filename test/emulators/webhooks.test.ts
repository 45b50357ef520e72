import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulators, WebhookOptions } from '../../emulators/index.ts';
import type { Order } from '../../emulators/square-types.ts';
import { offShiftMember } from '../expected.ts';
import { startWebhookListener } from '../webhookListener.ts';
import {
  type SquareClient,
  squareClient,
  squareErrorBody,
  startTestEmulators,
} from './square-client.ts';
import { schemaViolations } from './square-schemas.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** One scaled minute is 100 ms. */
const TIME_SCALE = 600;

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((service) => service.close()));
});

async function setup(
  options: { webhooks?: WebhookOptions; answer?: (index: number) => number | 'hang' } = {},
) {
  const emulators = await startTestEmulators({
    // The scaled 10 s deadline (17 ms) is too short for a busy test machine; its own test sets one.
    webhooks: { timeScale: TIME_SCALE, answerTimeoutMs: 2_000, ...options.webhooks },
  });
  const listener = await startWebhookListener(options.answer);
  opened.push(emulators, listener);
  return {
    emulators,
    listener,
    pos: squareClient(emulators.pos.url),
    inventory: squareClient(emulators.inventory.url),
    scheduling: squareClient(emulators.scheduling.url),
  };
}

async function subscribe(api: SquareClient, url: string, eventTypes: string[]) {
  const { status, body } = await api.post('/v2/webhooks/subscriptions', {
    idempotency_key: crypto.randomUUID(),
    subscription: { name: 'test', event_types: eventTypes, notification_url: url },
  });
  expect(status).toBe(200);
  return body.subscription as { id: string; signature_key: string };
}

function openOrder(emulators: Emulators): Order {
  const order = [...emulators.world.orders.values()].find((o) => o.state === 'OPEN');
  if (!order) throw new Error('no open order');
  return order;
}

async function renameTicket(pos: SquareClient, order: Order, ticketName: string) {
  const { status, body } = await pos.put(`/v2/orders/${order.id}`, {
    order: { version: order.version, ticket_name: ticketName },
  });
  expect(status).toBe(200);
  return body.order as Order;
}

const sign = (key: string, url: string, body: string) =>
  createHmac('sha256', key)
    .update(url + body)
    .digest('base64');

describe('webhook subscriptions API', () => {
  it('creates a subscription with its signature key, lists and retrieves it without the key, deletes it', async () => {
    const { pos, listener } = await setup();
    const request = {
      idempotency_key: 'subscribe-1',
      subscription: {
        name: 'orders',
        event_types: ['order.created', 'order.updated'],
        notification_url: listener.url,
      },
    };
    const created = await pos.post('/v2/webhooks/subscriptions', request);
    const subscription = {
      id: expect.stringMatching(/^wbhk_[0-9a-f]{32}$/),
      name: 'orders',
      enabled: true,
      event_types: ['order.created', 'order.updated'],
      notification_url: listener.url,
      api_version: '2025-08-20',
      created_at: expect.stringMatching(RFC3339),
      updated_at: expect.stringMatching(RFC3339),
    };
    expect(created).toEqual({
      status: 200,
      body: { subscription: { ...subscription, signature_key: expect.any(String) } },
    });
    const { signature_key: key, ...withoutKey } = created.body.subscription;
    expect(key).toMatch(/^[\w-]{22}$/);
    expect(await pos.post('/v2/webhooks/subscriptions', request)).toEqual(created);

    expect(await pos.get('/v2/webhooks/subscriptions')).toEqual({
      status: 200,
      body: { subscriptions: [withoutKey] },
    });
    expect(await pos.get(`/v2/webhooks/subscriptions/${withoutKey.id}`)).toEqual({
      status: 200,
      body: { subscription: withoutKey },
    });
    expect(await pos.send('DELETE', `/v2/webhooks/subscriptions/${withoutKey.id}`)).toEqual({
      status: 200,
      body: {},
    });
    expect(await pos.get('/v2/webhooks/subscriptions')).toEqual({ status: 200, body: {} });
    expect(await pos.get(`/v2/webhooks/subscriptions/${withoutKey.id}`)).toEqual({
      status: 404,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND'),
    });
  });

  it('refuses event types another API sends, and a subscription without a URL', async () => {
    const { pos, listener } = await setup();
    expect(
      await pos.post('/v2/webhooks/subscriptions', {
        subscription: {
          event_types: ['order.updated', 'inventory.count.updated'],
          notification_url: listener.url,
        },
      }),
    ).toEqual({
      status: 400,
      body: squareErrorBody(
        'INVALID_REQUEST_ERROR',
        'INVALID_VALUE',
        'subscription.event_types[1]',
      ),
    });
    expect(
      await pos.post('/v2/webhooks/subscriptions', {
        subscription: { event_types: ['order.updated'] },
      }),
    ).toEqual({
      status: 400,
      body: squareErrorBody(
        'INVALID_REQUEST_ERROR',
        'MISSING_REQUIRED_PARAMETER',
        'subscription.notification_url',
      ),
    });
  });
});

describe('webhook events as Square sends them', () => {
  it('order events are thin, signed over URL and body, with Square headers and no retry headers', async () => {
    const { emulators, pos, listener } = await setup();
    const subscription = await subscribe(pos, listener.url, ['order.created', 'order.updated']);
    const order = openOrder(emulators);
    const updated = await renameTicket(pos, order, 'Table 99');
    const [delivery] = await listener.waitFor(1);
    const event = JSON.parse(delivery?.body ?? '');
    expect(event).toEqual({
      merchant_id: emulators.world.merchantId,
      location_id: order.location_id,
      type: 'order.updated',
      event_id: expect.stringMatching(UUID),
      created_at: expect.stringMatching(RFC3339),
      data: {
        type: 'order_updated',
        id: order.id,
        object: {
          order_updated: {
            order_id: order.id,
            version: order.version + 1,
            location_id: order.location_id,
            state: 'OPEN',
            created_at: order.created_at,
            updated_at: updated.updated_at,
          },
        },
      },
    });
    // Square's Event object carries `location_id`; the per-event schemas leave it out.
    const { location_id: _location, ...asSpecified } = event;
    expect(schemaViolations('OrderUpdatedEvent', asSpecified)).toEqual([]);
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-square-hmacsha256-signature': sign(
        subscription.signature_key,
        listener.url,
        delivery?.body ?? '',
      ),
      'square-environment': 'Sandbox',
      'square-initial-delivery-timestamp': expect.stringMatching(RFC3339),
    });
    expect(delivery?.headers['square-retry-number']).toBeUndefined();
    expect(delivery?.headers['square-retry-reason']).toBeUndefined();

    const { body } = await pos.post('/v2/orders', {
      order: {
        location_id: order.location_id,
        line_items: [
          { name: 'Pie', quantity: '1', base_price_money: { amount: 500, currency: 'USD' } },
        ],
      },
    });
    const [, created] = await listener.waitFor(2);
    const createdEvent = JSON.parse(created?.body ?? '');
    expect(createdEvent.data).toEqual({
      type: 'order_created',
      id: body.order.id,
      object: {
        order_created: {
          order_id: body.order.id,
          version: 1,
          location_id: order.location_id,
          state: 'OPEN',
          created_at: body.order.created_at,
        },
      },
    });
    const { location_id: _createdAt, ...createdAsSpecified } = createdEvent;
    expect(schemaViolations('OrderCreatedEvent', createdAsSpecified)).toEqual([]);
  });

  it('timecard events carry the whole timecard: clock-in as created, clock-out as updated', async () => {
    const { emulators, scheduling, listener } = await setup();
    await subscribe(scheduling, listener.url, ['labor.timecard.created', 'labor.timecard.updated']);
    const { world } = emulators;
    const locationId = world.locations[0]?.id ?? '';
    const clockedIn = world.clockIn({
      teamMemberId: offShiftMember(world, locationId),
      locationId,
    });
    if (!clockedIn.ok) throw new Error(clockedIn.rejection.detail);
    const clockedOut = world.clockOut(clockedIn.value.id);
    if (!clockedOut.ok) throw new Error(clockedOut.rejection.detail);
    const events = (await listener.waitFor(2)).map((delivery) => JSON.parse(delivery.body));
    expect(events.map((e) => [e.type, e.location_id, e.data])).toEqual([
      [
        'labor.timecard.created',
        locationId,
        { type: 'timecard', id: clockedIn.value.id, object: { timecard: clockedIn.value } },
      ],
      [
        'labor.timecard.updated',
        locationId,
        { type: 'timecard', id: clockedIn.value.id, object: { timecard: clockedOut.value } },
      ],
    ]);
    expect(clockedOut.value).toMatchObject({ status: 'CLOSED', version: 2 });
    for (const [index, schema] of [
      'LaborTimecardCreatedEvent',
      'LaborTimecardUpdatedEvent',
    ].entries()) {
      const { location_id: _location, ...asSpecified } = events[index];
      expect(schemaViolations(schema, asSpecified)).toEqual([]);
    }
  });

  it('a change moving 150 counts is delivered as two inventory.count.updated events of 100 and 50', async () => {
    const { emulators, inventory, listener } = await setup();
    await subscribe(inventory, listener.url, ['inventory.count.updated']);
    const { world } = emulators;
    const tracked = [...world.inventoryCounts.values()]
      .filter((count) => count.state === 'IN_STOCK')
      .slice(0, 150);
    expect(tracked).toHaveLength(150);
    const at = world.clock().toISOString();
    const written = world.batchCreateInventoryChanges(
      tracked.map((count) => ({
        type: 'PHYSICAL_COUNT' as const,
        physical_count: {
          catalog_object_id: count.catalog_object_id,
          location_id: count.location_id,
          state: 'IN_STOCK' as const,
          quantity: '1234',
          occurred_at: at,
        },
      })),
    );
    expect(written.ok).toBe(true);
    const events = (await listener.waitFor(2)).map((delivery) => JSON.parse(delivery.body));
    expect(events.map((e) => [e.type, e.data.type, e.data.object.inventory_counts.length])).toEqual(
      [
        ['inventory.count.updated', 'inventory_counts', 100],
        ['inventory.count.updated', 'inventory_counts', 50],
      ],
    );
    const delivered = events.flatMap((e) => e.data.object.inventory_counts);
    expect(delivered).toEqual(
      tracked.map((count) =>
        world.inventoryCounts.get(`${count.catalog_object_id}:${count.location_id}:IN_STOCK`),
      ),
    );
    expect(delivered.every((count) => count.quantity === '1234')).toBe(true);
    const { location_id: _location, ...asSpecified } = events[0];
    expect(schemaViolations('InventoryCountUpdatedEvent', asSpecified)).toEqual([]);
  });
});

describe('delivery and retries', () => {
  it('a failed delivery (5xx, and 3xx too) is retried after 1 then 2 minutes, scaled, with the retry headers', async () => {
    const statuses = [500, 302, 200];
    const { emulators, pos, listener } = await setup({ answer: (i) => statuses[i] ?? 200 });
    const subscription = await subscribe(pos, listener.url, ['order.updated']);
    await renameTicket(pos, openOrder(emulators), 'Retried');
    const [log] = await emulators.pos.webhooks.settled();
    expect(log).toEqual({
      eventId: expect.stringMatching(UUID),
      type: 'order.updated',
      subscriptionId: subscription.id,
      duplicate: false,
      state: 'delivered',
      attempts: [
        { retryNumber: 0, status: 500, failure: 'http_error' },
        { retryNumber: 1, status: 302, failure: 'http_error' },
        { retryNumber: 2, status: 200 },
      ],
    });
    const [first, second, third] = listener.received;
    expect(listener.received).toHaveLength(3);
    expect(new Set(listener.received.map((r) => r.body)).size).toBe(1);
    expect(
      listener.received.map((r) => [
        r.headers['square-retry-number'],
        r.headers['square-retry-reason'],
        r.headers['square-initial-delivery-timestamp'],
      ]),
    ).toEqual([
      [undefined, undefined, first?.headers['square-initial-delivery-timestamp']],
      ['1', 'http_error', first?.headers['square-initial-delivery-timestamp']],
      ['2', 'http_error', first?.headers['square-initial-delivery-timestamp']],
    ]);
    // One scaled minute is 100 ms, two are 200 ms (timers may fire a millisecond early).
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(99);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(199);
  });

  it('no answer within the deadline is retried with reason http_timeout', async () => {
    const { emulators, pos, listener } = await setup({
      webhooks: { answerTimeoutMs: 150 },
      answer: (i) => (i === 0 ? 'hang' : 200),
    });
    await subscribe(pos, listener.url, ['order.updated']);
    await renameTicket(pos, openOrder(emulators), 'Slow');
    const [log] = await emulators.pos.webhooks.settled();
    expect(log?.attempts).toEqual([
      { retryNumber: 0, status: 0, failure: 'http_timeout' },
      { retryNumber: 1, status: 200 },
    ]);
    expect(listener.received[1]?.headers['square-retry-reason']).toBe('http_timeout');
  });

  it('a receiver failing for 72 hours (scaled) gets hourly retries, then the event is discarded', async () => {
    // 72 hours at this scale are 2.6 s; 1 + 6 retries within the first hour, then at most 70 hourly.
    const { emulators, pos, listener } = await setup({
      webhooks: { timeScale: 100_000, answerTimeoutMs: 1_000 },
      answer: () => 500,
    });
    await subscribe(pos, listener.url, ['order.updated']);
    await renameTicket(pos, openOrder(emulators), 'Never');
    const [log] = await emulators.pos.webhooks.settled(8_000);
    expect(log?.state).toBe('discarded');
    expect(log?.attempts.length).toBeGreaterThan(7);
    expect(log?.attempts.length).toBeLessThanOrEqual(77);
    expect(listener.received).toHaveLength(log?.attempts.length ?? 0);
  });

  it('a deleted subscription gets nothing more', async () => {
    const { emulators, pos, listener } = await setup();
    const subscription = await subscribe(pos, listener.url, ['order.updated']);
    await pos.send('DELETE', `/v2/webhooks/subscriptions/${subscription.id}`);
    await renameTicket(pos, openOrder(emulators), 'Unheard');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(listener.received).toEqual([]);
    expect(emulators.pos.webhooks.deliveries()).toEqual([]);
  });

  it('after the signature key is rotated, deliveries are signed with the new key', async () => {
    const { emulators, pos, listener } = await setup();
    const subscription = await subscribe(pos, listener.url, ['order.updated']);
    const { status, body } = await pos.post(
      `/v2/webhooks/subscriptions/${subscription.id}/signature-key`,
      { idempotency_key: 'rotate-1' },
    );
    expect(status).toBe(200);
    expect(body.signature_key).not.toBe(subscription.signature_key);
    await renameTicket(pos, openOrder(emulators), 'Rotated');
    const [delivery] = await listener.waitFor(1);
    expect(delivery?.headers['x-square-hmacsha256-signature']).toBe(
      sign(body.signature_key, listener.url, delivery?.body ?? ''),
    );
  });
});

describe('delivery faults', () => {
  it('duplicate: each event is delivered once more, the copy after the original was answered', async () => {
    const { emulators, pos, listener } = await setup({ webhooks: { faults: { duplicate: 1 } } });
    await subscribe(pos, listener.url, ['order.updated']);
    await renameTicket(pos, openOrder(emulators), 'Twice');
    const log = await emulators.pos.webhooks.settled();
    expect(log.map((d) => [d.duplicate, d.state, d.attempts])).toEqual([
      [false, 'delivered', [{ retryNumber: 0, status: 200 }]],
      [true, 'delivered', [{ retryNumber: 0, status: 200 }]],
    ]);
    expect(log[0]?.eventId).toBe(log[1]?.eventId);
    expect(listener.received).toHaveLength(2);
    expect(listener.received[0]?.body).toBe(listener.received[1]?.body);
  });

  it('drop, switched on at run time: the listed event types are never delivered, others are', async () => {
    const { emulators, pos, listener } = await setup();
    await subscribe(pos, listener.url, ['order.created', 'order.updated']);
    const switched = await fetch(`${emulators.pos.url}/__admin/webhooks/faults`, {
      method: 'POST',
      body: JSON.stringify({ drop: ['order.updated'] }),
    });
    expect([switched.status, await switched.json()]).toEqual([
      200,
      { faults: { drop: ['order.updated'] } },
    ]);
    const order = openOrder(emulators);
    await renameTicket(pos, order, 'Lost');
    await pos.post('/v2/orders', {
      order: {
        location_id: order.location_id,
        line_items: [
          { name: 'Tea', quantity: '1', base_price_money: { amount: 300, currency: 'USD' } },
        ],
      },
    });
    const log = await emulators.pos.webhooks.settled();
    expect(log.map((d) => [d.type, d.state, d.attempts.length])).toEqual([
      ['order.updated', 'dropped', 0],
      ['order.created', 'delivered', 1],
    ]);
    expect(listener.received.map((r) => JSON.parse(r.body).type)).toEqual(['order.created']);
    const listed = await fetch(`${emulators.pos.url}/__admin/webhooks/deliveries`);
    expect(await listed.json()).toEqual({ deliveries: log });
  });

  it('reorder: of two consecutive events the later is delivered first', async () => {
    const { emulators, pos, listener } = await setup({ webhooks: { faults: { reorder: true } } });
    await subscribe(pos, listener.url, ['order.updated']);
    const order = openOrder(emulators);
    // Written together, so the first is still held when the second comes.
    const { world } = emulators;
    world.updateOrder(order.id, { version: order.version, ticket_name: 'v2' });
    world.updateOrder(order.id, { version: order.version + 1, ticket_name: 'v3' });
    const versions = (await listener.waitFor(2)).map(
      (r) => JSON.parse(r.body).data.object.order_updated.version,
    );
    expect(versions).toEqual([order.version + 2, order.version + 1]);
  });

  it('a bad fault switch is refused and changes nothing', async () => {
    const { emulators } = await setup({ webhooks: { faults: { duplicate: 1 } } });
    for (const body of [{ duplicate: -1 }, { drop: 'order.updated' }, { sometimes: true }]) {
      const response = await fetch(`${emulators.pos.url}/__admin/webhooks/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
    }
  });
});
