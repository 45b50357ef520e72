import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { connect, rootField, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';
import { inventoryCountUpdatedEvent, sendWebhook } from '../webhookSender.ts';

/**
 * Two changes to one stock count in the same millisecond share a `calculated_at`, Square's only
 * order for counts. Whichever notice comes second, subscribers end at the vendor's count.
 */
const world = createWorld({ seed: 31, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const stockChanged = /* GraphQL */ `
  subscription StockQuantities($locationId: ID!) {
    stockChanged(locationId: $locationId) { quantity calculatedAt }
  }
`;

/** An in-stock count of the location, set on the vendor to `quantity` at `at`. */
function setVendorCount(index: number, quantity: number, at: string) {
  const count = [...world.inventoryCounts.values()].filter(
    (c) => c.location_id === locationId && c.state === 'IN_STOCK',
  )[index];
  if (!count) throw new Error('no count');
  world.inventoryCounts.set(`${count.catalog_object_id}:${locationId}:IN_STOCK`, {
    ...count,
    quantity: String(quantity),
    calculated_at: at,
  });
  return (q: number) =>
    inventoryCountUpdatedEvent({
      catalog_object_id: count.catalog_object_id,
      location_id: locationId,
      quantity: String(q),
      calculated_at: at,
    });
}

describe('same-millisecond stock changes', () => {
  it.each([
    ['the older notice first', [40, 41], [40, 41]],
    ['the current notice first', [41, 40], [41]],
  ])('%s: subscribers end at the vendor’s count, each state once', async (_name, notices, seen) => {
    const at = new Date(Date.now() - notices.length * 1000).toISOString();
    const event = setVendorCount(notices[0] === 40 ? 0 : 1, 41, at);
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, stockChanged, { locationId });
    await untilSubscribed(system.gateway, 1);
    for (const quantity of notices) {
      expect((await sendWebhook(system.inventory, event(quantity))).status).toBe(200);
    }
    // A later change closes the window in which a stray event could still arrive.
    const closing = setVendorCount(2, 7, new Date().toISOString());
    await sendWebhook(system.inventory, closing(7));
    const results = await subscription.waitFor(seen.length + 1);
    const counts = results.map((r) =>
      rootField<{ quantity: number; calculatedAt: string }>(r, 'stockChanged'),
    );
    expect(counts.map((c) => c.quantity)).toEqual([...seen, 7]);
    expect(counts.slice(0, -1).map((c) => c.calculatedAt)).toEqual(seen.map(() => at));
    subscription.dispose();
    await client.dispose();
  });
});
