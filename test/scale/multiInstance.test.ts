import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { bumpOrder as bumpOrderAt, deliverWebhook, untilUpstreamsLive } from '../deployment.ts';
import { headersFor, postGraphQL } from '../graphqlClient.ts';
import { type SpawnedService, spawnService } from '../processes.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';
import { connect, subscribe } from '../subscriptionClient.ts';
import { authorizeByDefault } from '../system.ts';
import { orderUpdatedEvent } from '../webhookSender.ts';
import { type LoadBalancer, startLoadBalancer } from './loadBalancer.ts';

/**
 * The deployment the issue describes, each service its own process, all on one real Redis:
 * the emulators, two instances of each subgraph and two gateways. Gateway A reaches the
 * subgraphs through a load balancer that prefers instance A, gateway B one that prefers
 * instance B; either fails over to the other instance.
 */
const withRedis = await redisAvailable();

const running: SpawnedService[] = [];
const balancers: LoadBalancer[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  await Promise.all(balancers.map((balancer) => balancer.close()));
});

function start(entry: string, env: Record<string, string>): SpawnedService {
  const service = spawnService(entry, env);
  running.push(service);
  return service;
}

const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);
const subgraphNames = ['pos', 'inventory', 'scheduling'] as const;
const signatureKey = 'scale-test-signature-key';
/** The one URL registered with Square for every POS instance (behind the load balancer). */
const notificationUrl = 'http://pos.restaurant.example/webhooks/square';
const token = 'dev-square-token';

interface Deployment {
  posApi: string;
  /** Each emulator's base URL (its `/__admin/calls` counts the calls it served). */
  apis: string[];
  pos: { a: SpawnedService; b: SpawnedService; aUrl: string; bUrl: string };
  gatewayA: { service: SpawnedService; url: string };
  gatewayB: { service: SpawnedService; url: string };
}
let deployment: Deployment;

async function startDeployment(): Promise<Deployment> {
  const shared = {
    REDIS_URL: testRedisUrl,
    CACHE_PREFIX: uniqueNamespace('scale'),
    RECONCILE_INTERVAL_MS: '0',
    POS_WEBHOOK_SIGNATURE_KEY: signatureKey,
    POS_WEBHOOK_URL: notificationUrl,
  };
  const emulators = start('emulators/main.ts', {
    POS_EMULATOR_PORT: '0',
    INVENTORY_EMULATOR_PORT: '0',
    SCHEDULING_EMULATOR_PORT: '0',
  });
  const apis: Record<string, string> = {};
  for (const name of subgraphNames) {
    apis[name] = (await emulators.waitFor(urlPattern(`${name} emulator`)))[1] ?? '';
  }
  const instance = async (name: string) => {
    const prefix = name.toUpperCase();
    const service = start(`subgraphs/${name}/main.ts`, {
      ...shared,
      [`${prefix}_SUBGRAPH_PORT`]: '0',
      [`${prefix}_API_URL`]: apis[name] ?? '',
    });
    const url = (await service.waitFor(urlPattern(`${name} subgraph at`)))[1] ?? '';
    return { service, url };
  };
  const instances = await Promise.all(
    subgraphNames.flatMap((name) => [instance(name), instance(name)]),
  );
  const [posA, posB, inventoryA, inventoryB, schedulingA, schedulingB] = instances.map(
    (i) => i as { service: SpawnedService; url: string },
  ) as { service: SpawnedService; url: string }[];
  const gateway = async (prefer: 'a' | 'b') => {
    const pairs = {
      pos: [posA?.url ?? '', posB?.url ?? ''],
      inventory: [inventoryA?.url ?? '', inventoryB?.url ?? ''],
      scheduling: [schedulingA?.url ?? '', schedulingB?.url ?? ''],
    };
    const env: Record<string, string> = { ...shared, GATEWAY_PORT: '0' };
    for (const name of subgraphNames) {
      const balancer = await startLoadBalancer(
        prefer === 'a' ? pairs[name] : [...pairs[name]].reverse(),
      );
      balancers.push(balancer);
      env[`${name.toUpperCase()}_SUBGRAPH_URL`] = balancer.url;
    }
    const service = start('gateway/main.ts', env);
    const url = (await service.waitFor(urlPattern('gateway at')))[1] ?? '';
    await authorizeByDefault(url);
    return { service, url };
  };
  const [gatewayA, gatewayB] = await Promise.all([gateway('a'), gateway('b')]);
  return {
    posApi: apis.pos ?? '',
    apis: Object.values(apis),
    pos: {
      a: posA?.service as SpawnedService,
      b: posB?.service as SpawnedService,
      aUrl: posA?.url ?? '',
      bUrl: posB?.url ?? '',
    },
    gatewayA,
    gatewayB,
  };
}

const bumpOrder = (orderId: string) => bumpOrderAt(deployment.posApi, orderId, token);
const deliver = (instanceGraphqlUrl: string, event: unknown) =>
  deliverWebhook(instanceGraphqlUrl, event, { key: signatureKey, notificationUrl });

const orderChanged = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) {
      id
      version
    }
  }
`;
const versions = (results: ExecutionResult[]) =>
  results.map((result) => (result.data?.orderChanged as { version: number } | undefined)?.version);

const untilLive = untilUpstreamsLive;

async function anOpenOrder(gatewayUrl: string): Promise<{ id: string; locationId: string }> {
  const { body } = await postGraphQL<{
    locations: { id: string; openOrders: { id: string }[] }[];
  }>(gatewayUrl, '{ locations { id openOrders(first: 1) { id } } }');
  const location = body.data?.locations.find((l) => l.openOrders.length > 0);
  return { id: location?.openOrders[0]?.id ?? '', locationId: location?.id ?? '' };
}

describe.skipIf(!withRedis)('two gateways and two instances of each subgraph on one Redis', () => {
  beforeAll(async () => {
    deployment = await startDeployment();
  }, 60_000);

  it('a webhook delivered to POS instance A reaches subscribers on both gateways, once; delivered to both instances it is applied once', async () => {
    const order = await anOpenOrder(deployment.gatewayA.url);
    const onB = subscribe(connect(deployment.gatewayB.url), orderChanged, {
      locationId: order.locationId,
    });
    const onA = subscribe(connect(deployment.gatewayA.url), orderChanged, {
      locationId: order.locationId,
    });
    await Promise.all([untilLive(deployment.gatewayA.url), untilLive(deployment.gatewayB.url)]);
    const changed = await bumpOrder(order.id);
    const event = orderUpdatedEvent(changed);
    expect(await deliver(deployment.pos.aUrl, event)).toEqual({ result: 'applied' });
    expect(await deliver(deployment.pos.bUrl, event)).toEqual({ result: 'duplicate' });
    const [onGatewayB] = await onB.waitFor(1);
    const [onGatewayA] = await onA.waitFor(1);
    expect(versions([onGatewayB as ExecutionResult])).toEqual([changed.version]);
    expect(onGatewayA).toEqual(onGatewayB);
    expect(onA.eventIds).toEqual(onB.eventIds);
    expect(onB.eventIds[0]).toMatch(/^\d+-\d+$/);
    // A later change, arriving next on both, shows the first one came once.
    const later = await bumpOrder(order.id);
    await deliver(deployment.pos.bUrl, orderUpdatedEvent(later));
    expect(versions(await onB.waitFor(2))).toEqual([changed.version, later.version]);
    expect(versions(await onA.waitFor(2))).toEqual([changed.version, later.version]);
    onA.dispose();
    onB.dispose();
  });

  it('a query answered by gateway A warms the cache for gateway B: B answers it without vendor calls', async () => {
    const resetCalls = () =>
      Promise.all(
        deployment.apis.map((api) => fetch(`${api}/__admin/calls/reset`, { method: 'POST' })),
      );
    const vendorCalls = async () => {
      let total = 0;
      for (const api of deployment.apis) {
        const counts = (await (await fetch(`${api}/__admin/calls`)).json()) as Record<
          string,
          number
        >;
        for (const count of Object.values(counts)) total += count;
      }
      return total;
    };
    const { locationId } = await anOpenOrder(deployment.gatewayA.url);
    await resetCalls();
    const onA = await postGraphQL(deployment.gatewayA.url, locationOverviewQuery, { locationId });
    expect(onA.body.errors).toBeUndefined();
    expect(await vendorCalls()).toBeGreaterThan(0);
    await resetCalls();
    const onB = await postGraphQL(deployment.gatewayB.url, locationOverviewQuery, { locationId });
    expect(onB.body).toEqual(onA.body);
    expect(await vendorCalls()).toBe(0);
  });

  it('a persisted query registered through gateway A runs by its hash alone on gateway B', async () => {
    const query = '{ locations { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const post = async (gatewayUrl: string, body: unknown) => {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { ...headersFor(gatewayUrl), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as {
        data?: unknown;
        errors?: { extensions?: { code?: string } }[];
      };
    };
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const unknownOnB = await post(deployment.gatewayB.url, { extensions });
    expect(unknownOnB.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(deployment.gatewayA.url, { query, extensions });
    expect(registered.errors).toBeUndefined();
    // Apollo Server stores a registered document without holding up the answer: B may ask
    // Redis a moment before A's write lands.
    await expect
      .poll(() => post(deployment.gatewayB.url, { extensions }), { timeout: 5_000 })
      .toEqual(registered);
  });

  it('killing a POS instance and a gateway while events flow: the subscriber resumes on the other gateway and gets every event once, in order', async () => {
    const order = await anOpenOrder(deployment.gatewayA.url);
    const variables = { locationId: order.locationId };
    const before = subscribe(connect(deployment.gatewayB.url), orderChanged, variables);
    await untilLive(deployment.gatewayB.url);
    const published: number[] = [];
    const publish = async () => {
      const changed = await bumpOrder(order.id);
      await deliver(deployment.pos.aUrl, orderUpdatedEvent(changed));
      published.push(changed.version);
    };
    for (let i = 0; i < 3; i++) await publish();
    await before.waitFor(3);
    // Gateway B's POS instance dies: its upstream fails over to instance A and resumes there.
    await deployment.pos.b.stop();
    for (let i = 0; i < 3; i++) await publish();
    await before.waitFor(6, 20_000);
    // Gateway B dies with events still coming: the client reconnects to gateway A.
    const stopping = deployment.gatewayB.service.stop();
    for (let i = 0; i < 2; i++) await publish();
    await stopping;
    const lastEventId = before.eventIds.at(-1) as string;
    const after = subscribe(connect(deployment.gatewayA.url), orderChanged, variables, {
      lastEventId,
    });
    for (let i = 0; i < 2; i++) await publish();
    const expected = published.length;
    for (let i = 0; i < 200 && before.results.length + after.results.length < expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // One more change, arriving after all the others, closes the window for duplicates.
    await publish();
    await after.waitFor(published.length - before.results.length, 20_000);
    const received = [...versions(before.results), ...versions(after.results)];
    expect(received).toEqual(published);
    after.dispose();
  }, 60_000);
});
