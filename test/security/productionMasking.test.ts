import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { locationOverviewQuery, stockChangedSubscription } from '../../schema/operations.ts';
import type { StockCount } from '../../subgraphs/inventory/client.ts';
import { stockChangedTopic } from '../../subgraphs/inventory/webhooks.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { productionSettings, startTestSystem } from '../system.ts';

// Each test file runs in its own process: this one's services run as production.
process.env.NODE_ENV = 'production';

/**
 * In production a vendor's or subgraph's failure reaches the client with its code and which
 * upstream it was, never an internal address, the vendor's endpoint path or its own message.
 */
const world = createWorld({ seed: 35, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({
    world,
    settings: productionSettings({ EVENT_RESOLUTION_RETRIES: '0' }),
  });
});
afterAll(async () => {
  await system?.gateway.close();
  await system?.inventory.close();
  await system?.emulators.close();
});

const leaks = /https?:\/\/|127\.0\.0\.1|\/v2\/|INTERNAL_SERVER_ERROR: /;

describe('production error messages', () => {
  it('a vendor that is down: UPSTREAM_UNAVAILABLE naming the upstream, not its address or path', async () => {
    system.emulators.inventory.faults.set([{ kind: 'outage' }]);
    try {
      const { body } = await postGraphQL(system.gateway.url, locationOverviewQuery, { locationId });
      const errors = body.errors ?? [];
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors.map((e) => [e.message, e.extensions?.code].join(' / ')))).toEqual(
        new Set(['inventory: vendor API is unavailable / UPSTREAM_UNAVAILABLE']),
      );
      expect(JSON.stringify(errors)).not.toMatch(leaks);
      expect(errors[0]?.extensions).not.toHaveProperty('endpoint');
    } finally {
      system.emulators.inventory.faults.clear();
    }
  });

  it('a subgraph that is down: SUBGRAPH_UNAVAILABLE naming it, over HTTP and in subscription events', async () => {
    const client = connect(system.gateway.url);
    const subscription = subscribe(client, stockChangedSubscription, { locationId });
    await untilSubscribed(system.gateway, 1);
    await system.scheduling.close();
    const { body } = await postGraphQL(system.gateway.url, locationOverviewQuery, { locationId });
    const schedulingErrors = (body.errors ?? []).filter(
      (e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE',
    );
    expect(schedulingErrors.map((e) => e.message)).toEqual(['subgraph scheduling is unavailable']);
    expect(JSON.stringify(body.errors)).not.toMatch(leaks);

    // A stock event selecting POS fields while POS is down.
    await system.pos.close();
    const count = [...world.inventoryCounts.values()].find(
      (c) => c.location_id === locationId && c.state === 'IN_STOCK',
    );
    const payload: StockCount = {
      menuItemId: count?.catalog_object_id ?? '',
      locationId,
      quantity: 2,
      calculatedAt: new Date().toISOString(),
    };
    await system.inventory.bus.publish({
      id: `stock:${payload.menuItemId}:${locationId}:1`,
      topic: stockChangedTopic,
      occurredAt: payload.calculatedAt,
      payload,
    });
    const [event] = await subscription.waitFor(1);
    expect(event?.errors?.map((e) => e.message)).toEqual(['subgraph pos is unavailable']);
    expect(JSON.stringify(event)).not.toMatch(leaks);
    subscription.dispose();
    await client.dispose();
  });
});
