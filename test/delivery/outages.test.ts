import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpOrder, deliverWebhook, freePort, untilUpstreamsLive } from '../deployment.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { type SpawnedService, spawnService } from '../processes.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';
import { connect, subscribe } from '../subscriptionClient.ts';
import { authorizeByDefault } from '../system.ts';
import { orderUpdatedEvent } from '../webhookSender.ts';

/**
 * Processes killed with SIGKILL before a subscription has received anything: each subscription
 * has a resume point from its start, so the changes made meanwhile still arrive, once, in order.
 * A deployment as run: every service its own process, on one Redis.
 */
const withRedis = await redisAvailable();
const running: SpawnedService[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
});
const start = (entry: string, env: Record<string, string>) => {
  const service = spawnService(entry, env);
  running.push(service);
  return service;
};
const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);
const signing = {
  key: 'outage-test-signature-key',
  notificationUrl: 'http://pos.restaurant.example/webhooks/square',
};

const orderChanged = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) { id version }
  }
`;
const versions = (results: ExecutionResult[]) =>
  results.map((result) => (result.data?.orderChanged as { version: number } | undefined)?.version);

describe.skipIf(!withRedis)('no event lost when a process dies before the first event', () => {
  let posApi: string;
  let posPort: number;
  let posEnv: Record<string, string>;
  let pos: SpawnedService;
  let posUrl: string;
  const gateways: { service: SpawnedService; url: string }[] = [];

  beforeAll(async () => {
    const shared = {
      REDIS_URL: testRedisUrl,
      CACHE_PREFIX: uniqueNamespace('outage'),
      RECONCILE_INTERVAL_MS: '0',
    };
    const emulators = start('emulators/main.ts', {
      POS_EMULATOR_PORT: '0',
      INVENTORY_EMULATOR_PORT: '0',
      SCHEDULING_EMULATOR_PORT: '0',
    });
    const apis: Record<string, string> = {};
    for (const name of ['pos', 'inventory', 'scheduling']) {
      apis[name] = (await emulators.waitFor(urlPattern(`${name} emulator`)))[1] ?? '';
    }
    posApi = apis.pos ?? '';
    posPort = await freePort();
    posEnv = {
      ...shared,
      POS_SUBGRAPH_PORT: String(posPort),
      POS_API_URL: posApi,
      POS_WEBHOOK_SIGNATURE_KEY: signing.key,
      POS_WEBHOOK_URL: signing.notificationUrl,
    };
    pos = start('subgraphs/pos/main.ts', posEnv);
    const others = ['inventory', 'scheduling'].map((name) =>
      start(`subgraphs/${name}/main.ts`, {
        ...shared,
        [`${name.toUpperCase()}_SUBGRAPH_PORT`]: '0',
        [`${name.toUpperCase()}_API_URL`]: apis[name] ?? '',
      }),
    );
    posUrl = (await pos.waitFor(urlPattern('pos subgraph at')))[1] ?? '';
    const [inventoryUrl, schedulingUrl] = await Promise.all(
      others.map(
        async (service, i) =>
          (await service.waitFor(urlPattern(`${['inventory', 'scheduling'][i]} subgraph at`)))[1],
      ),
    );
    for (let i = 0; i < 2; i++) {
      const service = start('gateway/main.ts', {
        ...shared,
        GATEWAY_PORT: '0',
        POS_SUBGRAPH_URL: posUrl,
        INVENTORY_SUBGRAPH_URL: inventoryUrl ?? '',
        SCHEDULING_SUBGRAPH_URL: schedulingUrl ?? '',
      });
      const url = (await service.waitFor(urlPattern('gateway at')))[1] ?? '';
      await authorizeByDefault(url);
      gateways.push({ service, url });
    }
  }, 60_000);

  async function anOpenOrder(gatewayUrl: string) {
    const { body } = await postGraphQL<{
      locations: { id: string; openOrders: { id: string }[] }[];
    }>(gatewayUrl, '{ locations { id openOrders(first: 1) { id } } }');
    const location = body.data?.locations.find((l) => l.openOrders.length > 0);
    return { id: location?.openOrders[0]?.id ?? '', locationId: location?.id ?? '' };
  }

  const change = async (orderId: string) => {
    const changed = await bumpOrder(posApi, orderId);
    expect(await deliverWebhook(posUrl, orderUpdatedEvent(changed), signing)).toEqual({
      result: 'applied',
    });
    return changed.version;
  };

  it('POS killed (SIGKILL) before the gateway’s upstream saw an event: the changes made once it is back all arrive', async () => {
    const [gateway] = gateways;
    if (!gateway) throw new Error('no gateway');
    const order = await anOpenOrder(gateway.url);
    const client = subscribe(connect(gateway.url), orderChanged, { locationId: order.locationId });
    await untilUpstreamsLive(gateway.url);
    pos.child.kill('SIGKILL');
    await pos.exited;
    pos = start('subgraphs/pos/main.ts', posEnv);
    await pos.waitFor(urlPattern('pos subgraph at'));
    // At once, before the gateway has reconnected (graphql-ws backs off for seconds).
    const published = [await change(order.id), await change(order.id)];
    await untilUpstreamsLive(gateway.url);
    published.push(await change(order.id));
    expect(versions(await client.waitFor(3, 20_000))).toEqual(published);
    client.dispose();
  }, 60_000);

  it('a gateway killed before its client got an event: the client resumes on another gateway `since` it subscribed', async () => {
    const [doomed, other] = gateways;
    if (!doomed || !other) throw new Error('no gateways');
    const order = await anOpenOrder(other.url);
    const variables = { locationId: order.locationId };
    const since = Date.now();
    const first = subscribe(connect(doomed.url), orderChanged, variables);
    await untilUpstreamsLive(doomed.url);
    doomed.service.child.kill('SIGKILL');
    await doomed.service.exited;
    const published = [await change(order.id), await change(order.id)];
    const resumed = subscribe(connect(other.url), orderChanged, variables, { since });
    await untilUpstreamsLive(other.url);
    published.push(await change(order.id));
    expect(first.results).toEqual([]);
    expect(versions(await resumed.waitFor(3, 20_000))).toEqual(published);
    resumed.dispose();
  }, 60_000);
});
