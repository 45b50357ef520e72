import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '../../emulators/world.ts';
import type { LocalSystem } from '../../gateway/localSystem.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { sample } from '../prometheus.ts';
import { locationOverviewQuery } from '../readmeQuery.ts';
import { startTestSystem } from '../system.ts';

const world = createWorld({ seed: 13, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const gatewayPath = (path: string) => new URL(path, system.gateway.url).href;

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
});
