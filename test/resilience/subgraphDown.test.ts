import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';
import { defaultSupergraphPath } from '../../gateway/settings.ts';
import { type RunningGateway, startGateway } from '../../gateway/startGateway.ts';
import { devGatewaySecret } from '../../platform/gatewayTrust.ts';
import type { ServiceHandle } from '../../platform/httpServer.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { startInventorySubgraph } from '../../subgraphs/inventory/start.ts';
import type { SubgraphSettings } from '../../subgraphs/kit/subgraphRuntime.ts';
import { startPosSubgraph } from '../../subgraphs/pos/start.ts';
import { startSchedulingSubgraph } from '../../subgraphs/scheduling/start.ts';
import { freePort } from '../deployment.ts';
import { type GraphQLResponse, postGraphQL } from '../graphqlClient.ts';
import { type SpawnedService, spawnService } from '../processes.ts';
import { authorizeByDefault, devGatewayAuth } from '../system.ts';
import { fastPolicies } from './fastPolicies.ts';

/**
 * The gateway over a static supergraph needs no subgraph to start, and keeps serving what it
 * can while one is gone: the fields that subgraph owns are null with SUBGRAPH_UNAVAILABLE.
 */
const world = createWorld({ seed: 7, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
const TOKEN = 'dev-square-token';

let emulators: Emulators;
const services: ServiceHandle[] = [];
const processes: SpawnedService[] = [];

const settings = (baseUrl: string, port = 0): SubgraphSettings => ({
  host: '127.0.0.1',
  port,
  upstream: { baseUrl, token: TOKEN, timeoutMs: 1_000 },
  caching: true,
  batching: true,
  resilience: fastPolicies(),
  trustSecret: devGatewaySecret,
});

async function gatewayWithInventoryAt(inventoryUrl: string): Promise<RunningGateway> {
  const [pos, scheduling] = await Promise.all([
    startPosSubgraph(settings(emulators.pos.url)),
    startSchedulingSubgraph(settings(emulators.scheduling.url)),
  ]);
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    supergraphPath: defaultSupergraphPath,
    subgraphUrls: { pos: pos.url, inventory: inventoryUrl, scheduling: scheduling.url },
    maxBodyBytes: 1024 * 1024,
    auth: await devGatewayAuth(),
  });
  await authorizeByDefault(gateway.url);
  services.push(gateway, pos, scheduling);
  return gateway;
}

type Overview = {
  location: {
    name: string;
    openOrders: { lineItems: { menuItem: { stock: unknown } }[] }[];
    onShiftNow: unknown[] | null;
    lowStockItems: unknown[] | null;
  } | null;
};

const ask = async (gateway: RunningGateway) =>
  (await postGraphQL<Overview>(gateway.url, locationOverviewQuery, { locationId })).body;

/** Full: no errors. Partial: POS and scheduling data; errors only for inventory's fields. */
function classify(body: GraphQLResponse<Overview>): 'full' | 'partial' | 'broken' {
  const location = body.data?.location;
  if (!location?.name || location.openOrders.length !== 5 || !location.onShiftNow?.length) {
    return 'broken';
  }
  if (!body.errors) return 'full';
  const onlyInventory = body.errors.every(
    (error) =>
      error.extensions?.code === 'SUBGRAPH_UNAVAILABLE' &&
      error.extensions?.serviceName === 'inventory',
  );
  return onlyInventory ? 'partial' : 'broken';
}

beforeAll(async () => {
  emulators = await startEmulators({ world, token: TOKEN });
});
afterAll(async () => {
  await Promise.all(processes.map((service) => service.stop()));
  await Promise.all(services.map((service) => service.close()));
  await emulators?.close();
});

describe('a subgraph that is down', () => {
  it('the gateway starts without it, answers partially, and answers in full once it is up', async () => {
    const port = await freePort();
    const gateway = await gatewayWithInventoryAt(`http://127.0.0.1:${port}/graphql`);

    const meanwhile = await ask(gateway);
    expect(classify(meanwhile)).toBe('partial');
    expect(meanwhile.data?.location?.lowStockItems).toBeNull();
    expect(meanwhile.errors?.[0]?.message).toMatch(/^subgraph inventory is unavailable: /);

    services.push(await startInventorySubgraph(settings(emulators.inventory.url, port)));
    expect(classify(await ask(gateway))).toBe('full');
  });

  it('killed and restarted under load: partial answers meanwhile, full again within seconds, no gateway restart', async () => {
    const port = await freePort();
    const startInventory = async () => {
      const service = spawnService('subgraphs/inventory/main.ts', {
        INVENTORY_SUBGRAPH_PORT: String(port),
        INVENTORY_API_URL: emulators.inventory.url,
        INVENTORY_API_TOKEN: TOKEN,
      });
      processes.push(service);
      await service.waitFor(/inventory subgraph at/);
      return service;
    };
    const first = await startInventory();
    const gateway = await gatewayWithInventoryAt(`http://127.0.0.1:${port}/graphql`);
    expect(classify(await ask(gateway))).toBe('full');

    const answers: { at: number; kind: ReturnType<typeof classify> }[] = [];
    let running = true;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (running) answers.push({ kind: classify(await ask(gateway)), at: Date.now() });
      }),
    );
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await pause(300);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    await pause(800);
    const restartedAt = Date.now();
    await startInventory();
    const readyAt = Date.now();
    await pause(1_300);
    running = false;
    await load;

    const between = (from: number, to: number) =>
      answers.filter((answer) => answer.at >= from && answer.at < to).map((a) => a.kind);
    expect(answers.filter((answer) => answer.kind === 'broken')).toEqual([]);
    expect(new Set(between(0, killedAt))).toEqual(new Set(['full']));
    expect(new Set(between(killedAt + 100, restartedAt))).toEqual(new Set(['partial']));
    expect(between(killedAt + 100, restartedAt).length).toBeGreaterThan(20);
    const firstFull = answers.find((answer) => answer.at >= readyAt && answer.kind === 'full');
    expect((firstFull?.at ?? Number.POSITIVE_INFINITY) - readyAt).toBeLessThan(1_000);
    expect(new Set(between(readyAt + 1_000, Number.POSITIVE_INFINITY))).toEqual(new Set(['full']));
  });
});
