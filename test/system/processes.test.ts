import { afterAll, describe, expect, it } from 'vitest';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { type SpawnedService, spawnService } from '../processes.ts';
import { authorizeByDefault } from '../system.ts';

const running: SpawnedService[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
});

function start(entry: string, env: Record<string, string>): SpawnedService {
  const service = spawnService(entry, env);
  running.push(service);
  return service;
}

const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);

type Overview = { location: { name: string; openOrders: unknown[]; onShiftNow: unknown[] } };

describe('every service as its own process', () => {
  it('emulators, three subgraphs and the gateway, started apart and wired by environment, answer the README query', async () => {
    const emulators = start('emulators/main.ts', {
      POS_EMULATOR_PORT: '0',
      INVENTORY_EMULATOR_PORT: '0',
      SCHEDULING_EMULATOR_PORT: '0',
    });
    const [, posApi] = await emulators.waitFor(urlPattern('pos emulator'));
    const [, inventoryApi] = await emulators.waitFor(urlPattern('inventory emulator'));
    const [, schedulingApi] = await emulators.waitFor(urlPattern('scheduling emulator'));

    const subgraph = (name: string, apiUrl: string | undefined) => {
      const prefix = name.toUpperCase();
      const service = start(`subgraphs/${name}/main.ts`, {
        [`${prefix}_SUBGRAPH_PORT`]: '0',
        [`${prefix}_API_URL`]: apiUrl ?? '',
      });
      return service.waitFor(urlPattern(`${name} subgraph at`)).then((match) => match[1] ?? '');
    };
    const [pos, inventory, scheduling] = await Promise.all([
      subgraph('pos', posApi),
      subgraph('inventory', inventoryApi),
      subgraph('scheduling', schedulingApi),
    ]);

    const gateway = start('gateway/main.ts', {
      GATEWAY_PORT: '0',
      POS_SUBGRAPH_URL: pos,
      INVENTORY_SUBGRAPH_URL: inventory,
      SCHEDULING_SUBGRAPH_URL: scheduling,
    });
    const [, gatewayUrl] = await gateway.waitFor(urlPattern('gateway at'));
    await authorizeByDefault(gatewayUrl ?? '');

    const { body: locations } = await postGraphQL<{ locations: { id: string }[] }>(
      gatewayUrl ?? '',
      '{ locations { id } }',
    );
    expect(locations.data?.locations).toHaveLength(3);
    const { body } = await postGraphQL<Overview>(gatewayUrl ?? '', locationOverviewQuery, {
      locationId: locations.data?.locations[0]?.id,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.location.openOrders).toHaveLength(5);
    expect(body.data?.location.onShiftNow.length).toBeGreaterThan(0);
  });

  it('npm start (the launcher) prints the gateway URL and answers the README query within 20 seconds', async () => {
    const started = Date.now();
    const launcher = start('dev/launcher.ts', {
      GATEWAY_PORT: '0',
      POS_SUBGRAPH_PORT: '0',
      INVENTORY_SUBGRAPH_PORT: '0',
      SCHEDULING_SUBGRAPH_PORT: '0',
      POS_EMULATOR_PORT: '0',
      INVENTORY_EMULATOR_PORT: '0',
      SCHEDULING_EMULATOR_PORT: '0',
    });
    const [, gatewayUrl] = await launcher.waitFor(urlPattern('gateway ready at'));
    const [, locationId] = launcher.output().match(/location (\w+): /) ?? [];
    const [, staffToken] = launcher.output().match(/ {2}staff: (\S+)/) ?? [];
    const { body } = await postGraphQL<Overview>(
      gatewayUrl ?? '',
      locationOverviewQuery,
      { locationId },
      { authorization: `Bearer ${staffToken}` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.location.name).toMatch(/\w/);
    expect(body.data?.location.openOrders).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a bad environment variable stops a service with a message naming it', async () => {
    const pos = start('subgraphs/pos/main.ts', {
      POS_SUBGRAPH_PORT: 'eighty',
      POS_API_URL: 'not a url',
    });
    expect(await pos.exited).toBe(1);
    expect(pos.output()).toContain('invalid configuration:');
    expect(pos.output()).toContain('POS_SUBGRAPH_PORT: ');
    expect(pos.output()).toContain('(got "eighty")');
    expect(pos.output()).toContain('POS_API_URL: ');
  });
});
