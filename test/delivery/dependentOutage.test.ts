import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { stockChangedSubscription } from '../../schema/operations.ts';
import type { StockCount } from '../../subgraphs/inventory/client.ts';
import { stockChangedTopic } from '../../subgraphs/inventory/webhooks.ts';
import { type PosSubgraph, startPosSubgraph } from '../../subgraphs/pos/start.ts';
import { menuItemFullName } from '../expected.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

/**
 * A stock event selects POS fields (the menu item's name and price). While POS is down its
 * resolution fails with SUBGRAPH_UNAVAILABLE; the gateway tries again until POS is back, so the
 * subscriber gets the change with every field, never a null it cannot recover.
 */
const world = createWorld({ seed: 32, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;
let restarted: PosSubgraph | undefined;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await restarted?.close();
  await system?.gateway.close();
  await Promise.all([system?.inventory.close(), system?.scheduling.close()]);
  await system?.emulators.close();
});

describe('an event whose resolution needs a subgraph that is down', () => {
  it('is resolved again once POS is back, and delivered whole, in order with the next one', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, stockChangedSubscription, { locationId });
    await untilSubscribed(system.gateway, 1);
    const counts = [...world.inventoryCounts.values()].filter(
      (c) => c.location_id === locationId && c.state === 'IN_STOCK',
    );
    const publish = (index: number, quantity: number) => {
      const count = counts[index];
      const payload: StockCount = {
        menuItemId: count?.catalog_object_id ?? '',
        locationId,
        quantity,
        calculatedAt: new Date().toISOString(),
      };
      return system.inventory.bus.publish({
        id: `stock:${payload.menuItemId}:${locationId}:${Date.parse(payload.calculatedAt)}`,
        topic: stockChangedTopic,
        occurredAt: payload.calculatedAt,
        payload,
      });
    };
    const posPort = Number(new URL(system.pos.url).port);
    await system.pos.close();
    const before = system.gateway.counters.get('subscription_event_resolution_retries');
    await publish(0, 1);
    await publish(1, 2);
    // The gateway is trying again: POS comes back on its address.
    await expect
      .poll(() => system.gateway.counters.get('subscription_event_resolution_retries'), {
        timeout: 5_000,
      })
      .toBeGreaterThan(before);
    restarted = await startPosSubgraph({ ...system.settings.pos, port: posPort });
    const results = await subscription.waitFor(2, 20_000);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(
      results.map((r) => {
        const stock = r.data?.stockChanged as { quantity: number; menuItem: { fullName: string } };
        return [stock.quantity, stock.menuItem.fullName];
      }),
    ).toEqual([
      [1, menuItemFullName(world, counts[0]?.catalog_object_id ?? '')],
      [2, menuItemFullName(world, counts[1]?.catalog_object_id ?? '')],
    ]);
    expect(system.gateway.counters.get('subscription_event_resolutions_failed')).toBe(0);
    subscription.dispose();
    await client.dispose();
  }, 30_000);
});
