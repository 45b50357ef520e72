/**
 * Scale-out on one machine: the README query's throughput through one gateway, then through
 * two gateways at once (the load split between them), every service its own process and all on
 * one Redis; then how many subscribers the two gateways hold, and how fast one event reaches
 * them all. Two gateways on one machine share its CPUs, so the gain is bounded by the cores the
 * subgraphs and the load generator leave free.
 *
 * Usage: node bench/scale.ts. Environment:
 *   REDIS_URL (redis://127.0.0.1:6379)  SCALE_DURATION_SEC (10)  SCALE_CONNECTIONS (50)
 *   SCALE_SUBSCRIBERS (2000, split over the two gateways)
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { devJwtSecret, mintDevToken } from '../gateway/auth/tokens.ts';
import { runMain } from '../platform/config.ts';
import { locationOverviewQuery, orderChangedSubscription } from '../schema/operations.ts';
import { type ChildService, startChild } from './lib/childProcess.ts';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const durationSec = Number(process.env.SCALE_DURATION_SEC || 10);
const connections = Number(process.env.SCALE_CONNECTIONS || 50);
const subscriberCount = Number(process.env.SCALE_SUBSCRIBERS || 2000);
const signatureKey = 'scale-bench-signature-key';
const notificationUrl = 'http://pos.restaurant.example/webhooks/square';
const vendorToken = 'dev-square-token';
const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);

await runMain(async () => {
  const services: ChildService[] = [];
  const start = async (entry: string, env: Record<string, string>, label: string) => {
    const service = await startChild(entry, { env, readyPattern: urlPattern(label) });
    services.push(service);
    return service;
  };
  try {
    const shared = {
      REDIS_URL: redisUrl,
      CACHE_PREFIX: `scale-bench-${Date.now()}`,
      RATE_LIMIT_STORE: 'redis',
      // The emulators answer as fast as they can: the quota would measure itself, not the gateways.
      POS_API_RATE_PER_SECOND: '0',
      INVENTORY_API_RATE_PER_SECOND: '0',
      SCHEDULING_API_RATE_PER_SECOND: '0',
      POS_WEBHOOK_SIGNATURE_KEY: signatureKey,
      POS_WEBHOOK_URL: notificationUrl,
      RECONCILE_INTERVAL_MS: '0',
    };
    const apis: Record<string, string> = {};
    for (const name of ['pos', 'inventory', 'scheduling']) {
      const prefix = name.toUpperCase();
      const emulator = await start(
        'emulators/main.ts',
        { EMULATORS: name, [`${prefix}_EMULATOR_PORT`]: '0' },
        `${name} emulator`,
      );
      apis[name] = emulator.ready[1] ?? '';
    }
    const subgraphUrls: Record<string, string> = {};
    const subgraphUrlList: string[] = [];
    for (const name of ['pos', 'inventory', 'scheduling']) {
      const prefix = name.toUpperCase();
      const subgraph = await start(
        `subgraphs/${name}/main.ts`,
        { ...shared, [`${prefix}_SUBGRAPH_PORT`]: '0', [`${prefix}_API_URL`]: apis[name] ?? '' },
        `${name} subgraph at`,
      );
      subgraphUrls[`${prefix}_SUBGRAPH_URL`] = subgraph.ready[1] ?? '';
      subgraphUrlList.push(subgraph.ready[1] ?? '');
    }
    const gateways: string[] = [];
    for (let i = 0; i < 2; i++) {
      const gateway = await start(
        'gateway/main.ts',
        { ...shared, ...subgraphUrls, GATEWAY_PORT: '0' },
        'gateway at',
      );
      gateways.push(gateway.ready[1] ?? '');
    }
    const token = await mintDevToken(devJwtSecret, {
      subject: 'bench',
      role: 'manager',
      locations: ['*'],
    });
    const authorization = `Bearer ${token}`;
    const locations = await (
      await fetch(gateways[0] ?? '', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ locations { id openOrders(first: 1) { id } } }' }),
      })
    ).json();
    const location = (
      locations as { data: { locations: { id: string; openOrders: { id: string }[] }[] } }
    ).data.locations.find((l) => l.openOrders.length > 0);
    const locationId = location?.id ?? '';
    const body = JSON.stringify({ query: locationOverviewQuery, variables: { locationId } });

    const load = (url: string, share: number) =>
      autocannon({
        url,
        connections: share,
        duration: durationSec,
        requests: [
          { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body },
        ],
      });
    // Warm both gateways' plans and the shared cache first.
    await Promise.all(gateways.map((url) => load(url, 4)));
    const one = await load(gateways[0] ?? '', connections);
    const [twoA, twoB] = await Promise.all([
      load(gateways[0] ?? '', Math.ceil(connections / 2)),
      load(gateways[1] ?? '', Math.ceil(connections / 2)),
    ]);
    const rps = (result: { requests: { average: number } }) => Math.round(result.requests.average);
    console.log(`\nREADME query, ${connections} connections, ${durationSec} s, one Redis:`);
    console.log(
      `  one gateway:  ${rps(one)} req/s (p99 ${one.latency.p99} ms, errors ${one.errors + one.non2xx})`,
    );
    console.log(
      `  two gateways: ${rps(twoA) + rps(twoB)} req/s (${rps(twoA)} + ${rps(twoB)}; p99 ${Math.max(twoA.latency.p99, twoB.latency.p99)} ms, errors ${twoA.errors + twoA.non2xx + twoB.errors + twoB.non2xx})`,
    );

    // Subscribers: one socket each, alternating between the gateways, each with a token of its
    // own as phones have (a caller may hold only SUBSCRIPTIONS_PER_CALLER subscriptions).
    const subscriberTokens = await Promise.all(
      Array.from({ length: subscriberCount }, (_, i) =>
        mintDevToken(devJwtSecret, { subject: `phone-${i}`, role: 'manager', locations: ['*'] }),
      ),
    );
    let received = 0;
    let firstAt = 0;
    let lastAt = 0;
    let connected = 0;
    const clients = Array.from({ length: subscriberCount }, (_, i) =>
      createClient({
        url: (gateways[i % 2] ?? '').replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${subscriberTokens[i]}` },
        retryAttempts: 0,
        on: {
          connected: () => {
            connected += 1;
          },
        },
      }),
    );
    for (const client of clients) {
      client.subscribe(
        { query: orderChangedSubscription, variables: { locationId } },
        {
          next: () => {
            received += 1;
            lastAt = Date.now();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    for (let i = 0; i < 300 && connected < subscriberCount; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const orderId = location?.openOrders[0]?.id ?? '';
    const order = (await (
      await fetch(`${apis.pos}/v2/orders/${orderId}`, {
        headers: { authorization: `Bearer ${vendorToken}` },
      })
    ).json()) as { order: { version: number; location_id: string } };
    const updated = (await (
      await fetch(`${apis.pos}/v2/orders/${orderId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${vendorToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          idempotency_key: crypto.randomUUID(),
          order: { version: order.order.version, ticket_name: 'bench' },
        }),
      })
    ).json()) as { order: { version: number } };
    const event = JSON.stringify({
      merchant_id: 'MLBENCH',
      location_id: locationId,
      type: 'order.updated',
      event_id: crypto.randomUUID(),
      created_at: new Date().toISOString(),
      data: {
        type: 'order_updated',
        id: orderId,
        object: {
          order_updated: {
            order_id: orderId,
            version: updated.order.version,
            location_id: locationId,
            state: 'OPEN',
          },
        },
      },
    });
    firstAt = Date.now();
    await fetch(new URL('/webhooks/square', subgraphUrlList[0]), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': createHmac('sha256', signatureKey)
          .update(notificationUrl + event)
          .digest('base64'),
      },
      body: event,
    });
    for (let i = 0; i < 200 && received < connected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(
      `\nsubscribers: ${connected} of ${subscriberCount} connected over two gateways; one webhook reached ${received} of them in ${lastAt ? lastAt - firstAt : '-'} ms`,
    );
    await Promise.all(clients.map((client) => client.dispose()));
  } finally {
    await Promise.all(services.map((service) => service.stop()));
  }
});
