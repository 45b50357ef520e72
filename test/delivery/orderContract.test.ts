import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { DEFAULT_TOKEN } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';
import { squareClient } from '../emulators/square-client.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

/**
 * What `orderChanged` promises (schema/pos.graphql, README): each event is the order's latest
 * state when the change was applied; intermediate versions of a burst may coalesce into a later
 * one; every order created or changed at the location arrives, its versions only grow, and the
 * last event of each is the vendor's last version. A burst through the vendor's API and its
 * webhooks, as the emulators deliver them.
 */
const world = createWorld({ seed: 33, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

describe('the orderChanged contract under a burst', () => {
  it('10 new orders changed 3 times each: every order arrives, versions only grow, each ends at the vendor’s last', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(
      client,
      'subscription Burst($locationId: ID!) { orderChanged(locationId: $locationId) { id version } }',
      { locationId },
    );
    await untilSubscribed(system.gateway, 1);
    const pos = squareClient(system.emulators.pos.url, DEFAULT_TOKEN);
    const variation = [...world.catalog.values()].find((o) => o.type === 'ITEM_VARIATION')?.id;
    const created = await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        const { status, body } = await pos.post('/v2/orders', {
          idempotency_key: crypto.randomUUID(),
          order: {
            location_id: locationId,
            ticket_name: `burst ${n}`,
            line_items: [{ catalog_object_id: variation, quantity: '1' }],
          },
        });
        expect(status).toBe(200);
        return (body as { order: { id: string; version: number } }).order;
      }),
    );
    const last = new Map(created.map((order) => [order.id, order.version]));
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        created.map(async (order) => {
          const version = last.get(order.id) ?? 0;
          const { status, body } = await pos.put(`/v2/orders/${order.id}`, {
            idempotency_key: crypto.randomUUID(),
            order: { version, ticket_name: `burst round ${round}` },
          });
          expect(status).toBe(200);
          last.set(order.id, (body as { order: { version: number } }).order.version);
        }),
      );
    }
    const latest = () => {
      const seen = new Map<string, number>();
      for (const result of subscription.results) {
        const order = result.data?.orderChanged as { id: string; version: number };
        seen.set(order.id, order.version);
      }
      return seen;
    };
    await expect
      .poll(() => Object.fromEntries(latest()), { timeout: 15_000 })
      .toEqual(Object.fromEntries(last));
    const events = subscription.results.map(
      (r) => r.data?.orderChanged as { id: string; version: number },
    );
    for (const order of created) {
      const versions = events.filter((e) => e.id === order.id).map((e) => e.version);
      expect(versions.length).toBeGreaterThan(0);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
    }
    // Coalescing is allowed, never more events than changes.
    expect(events.length).toBeLessThanOrEqual(40);
    subscription.dispose();
    await client.dispose();
  }, 30_000);
});
