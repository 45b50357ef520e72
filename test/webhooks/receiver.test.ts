import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN, type Emulators, startEmulators } from '../../emulators/index.ts';
import type { Order } from '../../emulators/square-types.ts';
import { createWorld } from '../../emulators/world.ts';
import { devGatewaySecret } from '../../platform/gatewayTrust.ts';
import type { DomainEvent } from '../../subgraphs/kit/eventBus.ts';
import type { SubgraphSettings } from '../../subgraphs/kit/subgraphRuntime.ts';
import { type PosSubgraph, startPosSubgraph } from '../../subgraphs/pos/start.ts';
import { orderChangedTopic } from '../../subgraphs/pos/webhooks.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';
import { orderUpdatedEvent, sendWebhook } from '../webhookSender.ts';

/**
 * The POS subgraph's webhook receiver on its own: Square-signed deliveries posted straight to
 * `/webhooks/square`, the published events read off the subgraph's bus.
 */
const world = createWorld({ seed: 23, now: new Date('2026-11-26T12:00:00Z'), orders: 200 });
const opened: { close(): Promise<void> }[] = [];
let emulators: Emulators;
afterAll(async () => {
  for (const service of opened.reverse()) await service.close();
});

async function startPos(settings: Partial<SubgraphSettings> = {}): Promise<PosSubgraph> {
  emulators ??= await startEmulators({ world }).then((started) => {
    opened.push(started);
    return started;
  });
  const pos = await startPosSubgraph({
    host: '127.0.0.1',
    port: 0,
    upstream: { baseUrl: emulators.pos.url, token: DEFAULT_TOKEN, timeoutMs: 5_000 },
    caching: true,
    batching: true,
    reconcileIntervalMs: 0,
    trustSecret: devGatewaySecret,
    webhook: { signatureKey: 'pos-test-key' },
    ...settings,
  });
  opened.push(pos);
  return pos;
}

function orderEvents(pos: PosSubgraph): DomainEvent<{ id: string; version: number }>[] {
  const events: DomainEvent<{ id: string; version: number }>[] = [];
  pos.bus.subscribe(orderChangedTopic, (event) => {
    events.push(event as DomainEvent<{ id: string; version: number }>);
  });
  return events;
}

/** An open order, moved one version on at the vendor (without telling anyone). */
function updatedOrder(index: number): Order {
  const order = [...world.orders.values()].filter((o) => o.state === 'OPEN')[index];
  if (!order) throw new Error(`no open order ${index}`);
  const result = world.updateOrder(order.id, { version: order.version, ticket_name: `T${index}` });
  if (!result.ok) throw new Error(result.rejection.detail);
  return result.value;
}

describe('the webhook receiver', () => {
  it('publishes the order fetched for a thin event, with the event id made of entity and version', async () => {
    const pos = await startPos();
    const events = orderEvents(pos);
    const order = updatedOrder(0);
    expect(await sendWebhook(pos, orderUpdatedEvent(order))).toEqual({
      status: 200,
      body: { result: 'applied' },
    });
    const [fetched] = await pos.stores.order.load([order.id]);
    expect(events).toEqual([
      {
        id: `order:${order.id}:${order.version}`,
        topic: 'pos.order.changed',
        occurredAt: order.updated_at,
        payload: fetched,
        position: expect.stringMatching(/^\d+-1$/),
      },
    ]);
    expect(fetched).toMatchObject({ id: order.id, version: order.version, ticketName: 'T0' });
  });

  it('a body over 1 MiB is refused with 413', async () => {
    const pos = await startPos();
    const huge = { ...orderUpdatedEvent(updatedOrder(1)), padding: 'x'.repeat(1024 * 1024) };
    expect(await sendWebhook(pos, huge)).toEqual({
      status: 413,
      body: { error: 'body exceeds 1048576 bytes' },
    });
  });

  it('until its signature key is set, a subgraph answers 503 (Square retries); once set, the event applies', async () => {
    const pos = await startPos({ webhook: {} });
    const events = orderEvents(pos);
    const event = orderUpdatedEvent(updatedOrder(2));
    expect(await sendWebhook(pos, event, { signatureKey: 'later-key' })).toEqual({
      status: 503,
      body: { error: 'webhook signature key not set yet' },
    });
    pos.webhooks.configure({ signatureKey: 'later-key' });
    expect((await sendWebhook(pos, event)).status).toBe(200);
    expect(events).toHaveLength(1);
  });

  it('after a key rotation, deliveries signed with the old key are refused and the new key applies', async () => {
    const pos = await startPos({ webhook: { signatureKey: 'first-key' } });
    const event = orderUpdatedEvent(updatedOrder(6));
    pos.webhooks.configure({ signatureKey: 'second-key' });
    expect((await sendWebhook(pos, event, { signatureKey: 'first-key' })).status).toBe(401);
    expect(await sendWebhook(pos, event)).toEqual({ status: 200, body: { result: 'applied' } });
  });

  it('an event type the subgraph does not follow is answered 200 and changes nothing', async () => {
    const pos = await startPos();
    const events = orderEvents(pos);
    const event = { ...orderUpdatedEvent(updatedOrder(7)), type: 'order.fulfillment.updated' };
    expect(await sendWebhook(pos, event)).toEqual({ status: 200, body: { result: 'ignored' } });
    expect(events).toEqual([]);
  });

  it('a signed event whose data is not what its type promises is answered 400 and not marked seen', async () => {
    const pos = await startPos();
    const event = orderUpdatedEvent(updatedOrder(3));
    const broken = { ...event, data: { type: 'order_updated', id: 'x', object: {} } };
    expect(await sendWebhook(pos, broken)).toEqual({
      status: 400,
      body: { error: `order.updated ${event.event_id} names no order_id, version and location_id` },
    });
    expect(await sendWebhook(pos, event)).toEqual({ status: 200, body: { result: 'applied' } });
  });

  it('two deliveries of one event at the same time publish it once; the other is a duplicate or told to retry', async () => {
    const pos = await startPos();
    const events = orderEvents(pos);
    const event = orderUpdatedEvent(updatedOrder(4));
    const answers = await Promise.all([sendWebhook(pos, event), sendWebhook(pos, event)]);
    const statuses = answers.map((a) => a.status).sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    expect(events).toHaveLength(1);
    expect(await sendWebhook(pos, event)).toEqual({ status: 200, body: { result: 'duplicate' } });
    expect(events).toHaveLength(1);
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('webhook state shared through Redis', () => {
  it('an event one instance applied is a duplicate for another, and an older notice is stale there; both see it once', async () => {
    const shared = { redisUrl: testRedisUrl, cachePrefix: uniqueNamespace('webhooks') };
    const first = await startPos(shared);
    const second = await startPos(shared);
    const secondEvents = orderEvents(second);
    const order = updatedOrder(5);
    const event = orderUpdatedEvent(order);
    expect((await sendWebhook(first, event)).body).toEqual({ result: 'applied' });
    expect(await sendWebhook(second, event)).toEqual({
      status: 200,
      body: { result: 'duplicate' },
    });
    // Another notice of the same version (Square's event ids differ per delivery chain).
    const again = orderUpdatedEvent(order);
    expect(await sendWebhook(second, again)).toEqual({ status: 200, body: { result: 'applied' } });
    expect(second.counters.get('vendor_changes_ignored')).toBe(1);
    // The bus is on Redis too: what the first instance published reaches the second, once.
    for (let i = 0; i < 100 && secondEvents.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondEvents.map((e) => e.id)).toEqual([`order:${order.id}:${order.version}`]);
  });
});
