import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { DEFAULT_TOKEN } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { orderChangedTopic } from '../../subgraphs/pos/webhooks.ts';
import { squareClient } from '../emulators/square-client.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { sample } from '../prometheus.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

const world = createWorld({ seed: 13, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const gatewayPath = (path: string, of: LocalSystem = system) => new URL(path, of.gateway.url).href;

describe('gateway operations endpoints', () => {
  it('/healthz answers while the process runs', async () => {
    const response = await fetch(gatewayPath('/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz reports the supergraph loaded and every subgraph up', async () => {
    const response = await fetch(gatewayPath('/readyz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      supergraph: 'loaded',
      // The served version: the committed supergraph's SHA-256.
      supergraphId: createHash('sha256')
        .update(readFileSync(defaultSupergraphPath, 'utf8'))
        .digest('hex'),
      subgraphs: [
        { name: 'inventory', status: 'up' },
        { name: 'pos', status: 'up' },
        { name: 'scheduling', status: 'up' },
      ],
    });
  });

  it('/metrics counts requests by operation name and status after a known workload', async () => {
    const locationId = world.locations[0]?.id ?? '';
    for (let i = 0; i < 3; i++) {
      await postGraphQL(system.gateway.url, locationOverviewQuery, { locationId });
    }
    await postGraphQL(system.gateway.url, 'query Broken { nope }');
    const scrape = await (await fetch(gatewayPath('/metrics'))).text();
    const requests = { service: 'gateway', operation: 'LocationOverview', status: 200 };
    expect(sample(scrape, 'graphql_requests_total', requests)).toBe(3);
    expect(sample(scrape, 'graphql_requests_total', { operation: 'Broken', status: 400 })).toBe(1);
    expect(
      sample(scrape, 'graphql_request_duration_seconds_count', { operation: 'LocationOverview' }),
    ).toBe(3);
    expect(sample(scrape, 'graphql_subscriptions_open', { service: 'gateway' })).toBe(0);
    expect(scrape).toContain('process_resident_memory_bytes');
  });

  it("a subgraph's /metrics counts its vendor calls and cache lookups exactly", async () => {
    const world2 = createWorld({ seed: 29, now: new Date('2026-11-26T12:00:00Z') });
    const fresh = await startTestSystem({ world: world2 });
    try {
      const locationId = world2.locations[0]?.id ?? '';
      await postGraphQL(fresh.gateway.url, locationOverviewQuery, { locationId });
      await postGraphQL(fresh.gateway.url, locationOverviewQuery, { locationId });
      const scrape = await (await fetch(new URL('/metrics', fresh.inventory.url))).text();
      const calls = fresh.emulators.inventory.calls.count(
        'POST /v2/inventory/counts/batch-retrieve',
      );
      expect(calls).toBe(2);
      expect(
        sample(scrape, 'upstream_calls_total', {
          service: 'inventory',
          endpoint: 'POST /v2/inventory/counts/batch-retrieve',
          status: 200,
        }),
      ).toBe(calls);
      expect(
        sample(scrape, 'upstream_call_duration_seconds_count', {
          endpoint: 'POST /v2/inventory/counts/batch-retrieve',
        }),
      ).toBe(calls);
      // The second query found both stock entries fresh in L1.
      expect(
        sample(scrape, 'cache_lookups_total', {
          tier: 'l1',
          kind: 'stockByLocation',
          result: 'hit',
        }),
      ).toBe(1);
      expect(
        sample(scrape, 'cache_lookups_total', {
          tier: 'l1',
          kind: 'stockByLocation',
          result: 'miss',
        }),
      ).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("a subgraph's /readyz covers its upstream; the status JSON shows it down when the vendor is off", async () => {
    const world3 = createWorld({ seed: 31, now: new Date('2026-11-26T12:00:00Z') });
    const fresh = await startTestSystem({ world: world3 });
    try {
      const ready = await fetch(new URL('/readyz', fresh.scheduling.url));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        subgraph: 'scheduling',
        upstream: 'up',
      });
      await fresh.emulators.scheduling.close();
      const down = await fetch(new URL('/readyz', fresh.scheduling.url));
      expect(down.status).toBe(503);
      const status = (await (await fetch(new URL('/status.json', fresh.gateway.url))).json()) as {
        subgraphs: {
          subgraph: string;
          reachable: boolean;
          upstream: { upstream: string; circuit: string };
        }[];
      };
      const scheduling = status.subgraphs.find((s) => s.subgraph === 'scheduling');
      expect(scheduling).toMatchObject({
        reachable: true,
        upstream: { upstream: 'down', circuit: 'closed' },
      });
      expect(status.subgraphs.find((s) => s.subgraph === 'pos')?.upstream.upstream).toBe('up');
    } finally {
      // The scheduling emulator is closed already; closing it again is the one expected error.
      await fresh.close().catch(() => undefined);
    }
  });
});

describe('event lag', () => {
  it("each order change is one observation of the gateway's delivery lag, however many subscribers, and one of the POS subgraph's webhook lag", async () => {
    // Lag is measured against the real clock, so the vendor's world keeps real time (no `now`).
    const world5 = createWorld({ seed: 43 });
    const fresh = await startTestSystem({ world: world5 });
    const clients = [connect(fresh.gateway.url), connect(fresh.gateway.url)];
    try {
      const locationId = world5.locations[0]?.id ?? '';
      const order = openOrdersNewestFirst(world5, locationId)[0];
      if (!order) throw new Error(`no open order at ${locationId}`);
      const orderChanged = `subscription OrderChanged($locationId: ID!) {
        orderChanged(locationId: $locationId) { id version }
      }`;
      const subscriptions = clients.map((client) =>
        subscribe(client, orderChanged, { locationId }),
      );
      await untilSubscribed(fresh.gateway, 1, 2);
      const pos = squareClient(fresh.emulators.pos.url, DEFAULT_TOKEN);
      const changedAt: (string | undefined)[] = [];
      const events = 3;
      for (let i = 0; i < events; i++) {
        const { status } = await pos.put(`/v2/orders/${order.id}`, {
          idempotency_key: crypto.randomUUID(),
          order: { version: order.version + i, ticket_name: `Lag ${i}` },
        });
        expect(status).toBe(200);
        changedAt.push(world5.orders.get(order.id)?.updated_at);
        for (const subscription of subscriptions) await subscription.waitFor(i + 1);
      }
      // Clients get the vendor's change time beside the event id.
      for (const subscription of subscriptions) expect(subscription.occurredAts).toEqual(changedAt);

      const gateway = await (await fetch(gatewayPath('/metrics', fresh))).text();
      const field = { service: 'gateway', field: 'orderChanged' };
      expect(sample(gateway, 'event_delivery_lag_seconds_count', field)).toBe(events);
      const delivered = sample(gateway, 'event_delivery_lag_seconds_sum', field) ?? -1;
      expect(delivered).toBeGreaterThanOrEqual(0);
      expect(delivered).toBeLessThan(events * 5);

      const subgraph = await (await fetch(new URL('/metrics', fresh.pos.url))).text();
      const webhook = { service: 'pos', source: 'webhook', topic: orderChangedTopic };
      expect(sample(subgraph, 'vendor_change_lag_seconds_count', webhook)).toBe(events);
      expect(
        sample(subgraph, 'vendor_change_lag_seconds_count', { source: 'reconcile' }),
      ).toBeUndefined();
      const published = sample(subgraph, 'vendor_change_lag_seconds_sum', webhook) ?? -1;
      expect(published).toBeGreaterThanOrEqual(0);
      expect(published).toBeLessThan(events * 5);

      // What the status page's "webhook lag" column shows: the last lag and the p99 (of three:
      // the largest), in ms, from the subgraph's own status gathered by the gateway.
      const status = (await (await fetch(gatewayPath('/status.json', fresh))).json()) as {
        subgraphs: {
          subgraph: string;
          webhooks: { lag: { events: number; lastMs: number | null; p99Ms: number | null } };
        }[];
      };
      const lag = status.subgraphs.find((s) => s.subgraph === 'pos')?.webhooks.lag;
      expect(lag?.events).toBe(events);
      expect(lag?.lastMs).toBeGreaterThanOrEqual(0);
      expect(lag?.p99Ms).toBeGreaterThanOrEqual(lag?.lastMs ?? Number.POSITIVE_INFINITY);
      expect(lag?.p99Ms).toBeLessThan(5_000);
      expect(status.subgraphs.find((s) => s.subgraph === 'inventory')?.webhooks.lag).toEqual({
        events: 0,
        lastMs: null,
        p99Ms: null,
      });
      for (const subscription of subscriptions) subscription.dispose();
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await fresh.close();
    }
  });
});

describe('request ids', () => {
  it("a request's id reaches every subgraph and every vendor call it causes, and comes back", async () => {
    const world4 = createWorld({ seed: 41, now: new Date('2026-11-26T12:00:00Z') });
    const fresh = await startTestSystem({ world: world4 });
    try {
      const response = await fetch(fresh.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': 'req-test-42',
          authorization: `Bearer ${fresh.devTokens.manager}`,
        },
        body: JSON.stringify({
          query: locationOverviewQuery,
          variables: { locationId: world4.locations[0]?.id },
        }),
      });
      expect(response.headers.get('x-request-id')).toBe('req-test-42');
      const seen = [fresh.emulators.pos, fresh.emulators.inventory, fresh.emulators.scheduling].map(
        (emulator) => emulator.calls.requestIds(),
      );
      expect(seen.every((ids) => ids.length > 0 && ids.every((id) => id === 'req-test-42'))).toBe(
        true,
      );
    } finally {
      await fresh.close();
    }
  });
});
