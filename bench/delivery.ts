/**
 * No event lost, measured: a deployment as run (emulators, each subgraph and two gateways their
 * own processes, on a Redis of this run's own) with one subscriber per scenario, while orders
 * change at the vendor's API and their webhooks are delivered as Square does (retried until
 * accepted). Each scenario injects one fault in the middle of the changes:
 *
 * - none;
 * - POS killed (SIGKILL) and restarted;
 * - the subscriber's gateway killed (SIGKILL): the client resumes on the other gateway with
 *   its `lastEventId`, or `since` its first subscribe when it had received nothing;
 * - Redis killed and restarted 3 s later;
 * - same-millisecond stock changes: pairs of count notices sharing `calculated_at`.
 *
 * It prints per scenario the changes made, the events delivered, the changes lost (an order
 * whose last version the subscriber never got, a count left at another quantity than the
 * vendor's), the duplicates (an event id delivered twice), and whether every final state the
 * subscriber holds equals the vendor's; then the deployed policies it ran with.
 *
 * Usage: node bench/delivery.ts   (DELIVERY_CHANGES per scenario, default 30)
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePorts, readLocalSystemSettings } from '../dev/localSettings.ts';
import { devJwtSecret, mintDevToken } from '../gateway/auth/tokens.ts';
import { runMain } from '../platform/config.ts';
import { bumpOrder, deliverWebhook, freePort } from '../test/deployment.ts';
import { ownRedis } from '../test/redis.ts';
import { inventoryCountUpdatedEvent, orderUpdatedEvent } from '../test/webhookSender.ts';
import { type ChildService, startChild } from './lib/childProcess.ts';

const changesPerScenario = Number(process.env.DELIVERY_CHANGES ?? 30);
const signing = {
  key: 'delivery-bench-signature-key',
  notificationUrl: 'http://pos.restaurant.example/webhooks/square',
};
const inventorySigning = {
  key: 'delivery-bench-inventory-key',
  notificationUrl: 'http://inventory.restaurant.example/webhooks/square',
};
const urlPattern = (label: string) => new RegExp(`${label}[^\\n]*?(http://[^\\s]+)`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  scenario: string;
  changes: number;
  delivered: number;
  lost: number;
  duplicated: number;
  finalStateEqual: boolean;
}

await runMain(async () => {
  const services: ChildService[] = [];
  const redis = ownRedis(await freePort());
  await redis.start();
  const start = async (entry: string, env: Record<string, string>, label: string) => {
    const service = await startChild(entry, { env, readyPattern: urlPattern(label) });
    services.push(service);
    return service;
  };
  try {
    const shared = {
      REDIS_URL: redis.url,
      CACHE_PREFIX: `delivery-bench-${Date.now()}`,
      RECONCILE_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
    const emulators = await start(
      'emulators/main.ts',
      { POS_EMULATOR_PORT: '0', INVENTORY_EMULATOR_PORT: '0', SCHEDULING_EMULATOR_PORT: '0' },
      'scheduling emulator',
    );
    void emulators;
    const apis: Record<string, string> = {};
    // The emulators print one line each; the child's output holds all three by now.
    const emulatorOutput = await readOutput(emulators);
    for (const name of ['pos', 'inventory', 'scheduling']) {
      apis[name] = urlPattern(`${name} emulator`).exec(emulatorOutput)?.[1] ?? '';
    }
    const posPort = await freePort();
    const posEnv = {
      ...shared,
      POS_SUBGRAPH_PORT: String(posPort),
      POS_API_URL: apis.pos ?? '',
      POS_WEBHOOK_SIGNATURE_KEY: signing.key,
      POS_WEBHOOK_URL: signing.notificationUrl,
    };
    let pos = await start('subgraphs/pos/main.ts', posEnv, 'pos subgraph at');
    const posUrl = pos.ready[1] ?? '';
    const inventory = await start(
      'subgraphs/inventory/main.ts',
      {
        ...shared,
        INVENTORY_SUBGRAPH_PORT: '0',
        INVENTORY_API_URL: apis.inventory ?? '',
        INVENTORY_WEBHOOK_SIGNATURE_KEY: inventorySigning.key,
        INVENTORY_WEBHOOK_URL: inventorySigning.notificationUrl,
      },
      'inventory subgraph at',
    );
    const inventoryUrl = inventory.ready[1] ?? '';
    const scheduling = await start(
      'subgraphs/scheduling/main.ts',
      { ...shared, SCHEDULING_SUBGRAPH_PORT: '0', SCHEDULING_API_URL: apis.scheduling ?? '' },
      'scheduling subgraph at',
    );
    const gatewayEnv = {
      ...shared,
      GATEWAY_PORT: '0',
      POS_SUBGRAPH_URL: posUrl,
      INVENTORY_SUBGRAPH_URL: inventoryUrl,
      SCHEDULING_SUBGRAPH_URL: scheduling.ready[1] ?? '',
    };
    const gateways = [
      await start('gateway/main.ts', gatewayEnv, 'gateway at'),
      await start('gateway/main.ts', gatewayEnv, 'gateway at'),
    ];
    const gatewayUrls = gateways.map((g) => g.ready[1] ?? '');
    const token = await mintDevToken(devJwtSecret, {
      subject: 'delivery-bench',
      role: 'manager',
      locations: ['*'],
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const query = async (url: string, text: string) =>
      (await (
        await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: text }) })
      ).json()) as {
        data: { locations: { id: string; openOrders: { id: string }[] }[] };
      };
    const overview = await query(
      gatewayUrls[0] ?? '',
      '{ locations { id openOrders(first: 5) { id } } }',
    );
    const location = overview.data.locations.find((l) => l.openOrders.length >= 5);
    if (!location) throw new Error('no location with 5 open orders');
    const orderIds = location.openOrders.map((o) => o.id);

    /** Delivers as Square does: retried until the subgraph accepts it. */
    const deliverUntilAccepted = async (url: () => string, event: unknown, keys = signing) => {
      for (let attempt = 0; attempt < 300; attempt++) {
        try {
          const answer = (await deliverWebhook(url(), event, keys)) as { result?: string };
          if (
            answer.result === 'applied' ||
            answer.result === 'duplicate' ||
            answer.result === 'ignored'
          )
            return;
        } catch {
          // not answering: the vendor tries again
        }
        await sleep(200);
      }
    };

    /** One subscriber that reconnects as the README says: resume point from its start. */
    const subscriber = (field: 'orderChanged' | 'stockChanged') => {
      const received: { id: string; state: Record<string, unknown> }[] = [];
      const since = Date.now();
      let lastEventId: string | undefined;
      let gateway = 0;
      const client: Client = createClient({
        url: () => {
          // After its gateway died the client goes to the other one.
          if (gateways[gateway]?.child.exitCode !== null || gateways[gateway]?.child.signalCode) {
            gateway = 1 - gateway;
          }
          return (gatewayUrls[gateway] ?? '').replace(/^http/, 'ws');
        },
        webSocketImpl: WebSocket,
        retryAttempts: Number.POSITIVE_INFINITY,
        retryWait: () => sleep(300).then(() => undefined),
        shouldRetry: () => true,
        connectionParams: () => ({
          authorization: `Bearer ${token}`,
          ...(lastEventId ? { lastEventId } : { since }),
        }),
      });
      const selection =
        field === 'orderChanged' ? '{ id version }' : '{ quantity menuItem { id } }';
      const stop = client.subscribe(
        {
          query: `subscription ($locationId: ID!) { ${field}(locationId: $locationId) ${selection} }`,
          variables: { locationId: location.id },
        },
        {
          next: (result) => {
            const id = (result.extensions as { eventId?: unknown } | undefined)?.eventId;
            if (typeof id === 'string') lastEventId = id;
            received.push({
              id: String(id),
              state: (result.data?.[field] ?? {}) as Record<string, unknown>,
            });
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      const close = () => {
        stop();
        return client.dispose();
      };
      return { received, close };
    };

    const untilLive = async () => {
      for (const url of gatewayUrls) {
        for (let i = 0; i < 200; i++) {
          const scrape = await fetch(new URL('/metrics', url)).then(
            (r) => r.text(),
            () => '',
          );
          if (/^upstream_subscriptions_live\S* [1-9]/m.test(scrape)) break;
          await sleep(20);
        }
      }
    };

    const orderScenario = async (scenario: string, fault: () => Promise<void>): Promise<Row> => {
      const client = subscriber('orderChanged');
      await untilLive();
      const made: { id: string; version: number }[] = [];
      const deliveries: Promise<void>[] = [];
      for (let i = 0; i < changesPerScenario; i++) {
        if (i === Math.floor(changesPerScenario / 3)) await fault();
        const orderId = orderIds[i % orderIds.length] ?? '';
        const changed = await bumpOrder(apis.pos ?? '', orderId);
        made.push({ id: changed.id, version: changed.version });
        deliveries.push(deliverUntilAccepted(() => posUrl, orderUpdatedEvent(changed)));
        await sleep(50);
      }
      await Promise.all(deliveries);
      const last = new Map<string, number>();
      for (const change of made) last.set(change.id, change.version);
      const held = () => {
        const seen = new Map<string, number>();
        for (const event of client.received) {
          seen.set(String(event.state.id), Number(event.state.version));
        }
        return seen;
      };
      for (let i = 0; i < 300; i++) {
        if ([...last].every(([id, version]) => held().get(id) === version)) break;
        await sleep(50);
      }
      const seen = held();
      const lost = made.filter((change) => (seen.get(change.id) ?? 0) < change.version).length;
      const ids = client.received.map((event) => event.id);
      const row = {
        scenario,
        changes: made.length,
        delivered: client.received.length,
        lost,
        duplicated: ids.length - new Set(ids).size,
        finalStateEqual: [...last].every(([id, version]) => seen.get(id) === version),
      };
      await client.close();
      return row;
    };

    const rows: Row[] = [];
    rows.push(await orderScenario('none', async () => {}));
    rows.push(
      await orderScenario('POS killed (SIGKILL) and restarted', async () => {
        pos.child.kill('SIGKILL');
        await sleep(500);
        pos = await start('subgraphs/pos/main.ts', posEnv, 'pos subgraph at');
      }),
    );
    rows.push(
      await orderScenario('the subscriber’s gateway killed (SIGKILL)', async () => {
        gateways[0]?.child.kill('SIGKILL');
      }),
    );
    rows.push(
      await orderScenario('Redis killed, restarted after 3 s', async () => {
        await redis.kill();
        setTimeout(() => void redis.start(), 3_000);
      }),
    );
    rows.push(await stockScenario());
    printRows(rows);

    async function stockScenario(): Promise<Row> {
      const client = subscriber('stockChanged');
      await untilLive();
      const counts = (await (
        await fetch(`${apis.inventory}/v2/inventory/counts/batch-retrieve`, {
          method: 'POST',
          headers: { authorization: 'Bearer dev-square-token', 'content-type': 'application/json' },
          body: JSON.stringify({ location_ids: [location?.id], states: ['IN_STOCK'], limit: 100 }),
        })
      ).json()) as { counts: { catalog_object_id: string; quantity: string }[] };
      const pairs = counts.counts.slice(0, Math.max(1, Math.floor(changesPerScenario / 2)));
      const final = new Map<string, number>();
      for (const count of pairs) {
        // The vendor holds quantity q+1 since time t; notices for q and q+1 both say t.
        const quantity = Number(count.quantity) + 1;
        const written = (await (
          await fetch(`${apis.inventory}/v2/inventory/changes/batch-create`, {
            method: 'POST',
            headers: {
              authorization: 'Bearer dev-square-token',
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              idempotency_key: crypto.randomUUID(),
              changes: [
                {
                  type: 'PHYSICAL_COUNT',
                  physical_count: {
                    catalog_object_id: count.catalog_object_id,
                    location_id: location?.id,
                    state: 'IN_STOCK',
                    quantity: String(quantity),
                    occurred_at: new Date().toISOString(),
                  },
                },
              ],
            }),
          })
        ).json()) as { counts?: { state: string; calculated_at: string }[] };
        const at =
          written.counts?.find((c) => c.state === 'IN_STOCK')?.calculated_at ??
          new Date().toISOString();
        final.set(count.catalog_object_id, quantity);
        for (const q of [quantity - 1, quantity]) {
          await deliverUntilAccepted(
            () => inventoryUrl,
            inventoryCountUpdatedEvent({
              catalog_object_id: count.catalog_object_id,
              location_id: location?.id ?? '',
              quantity: String(q),
              calculated_at: at,
            }),
            inventorySigning,
          );
        }
      }
      const held = () => {
        const seen = new Map<string, number>();
        for (const event of client.received) {
          seen.set(
            String((event.state.menuItem as { id?: string } | undefined)?.id),
            Number(event.state.quantity),
          );
        }
        return seen;
      };
      for (let i = 0; i < 200; i++) {
        if ([...final].every(([id, q]) => held().get(id) === q)) break;
        await sleep(50);
      }
      const seen = held();
      const ids = client.received.map((event) => event.id);
      const row = {
        scenario: 'same-millisecond stock changes (pairs)',
        changes: pairs.length * 2,
        delivered: client.received.length,
        lost: [...final].filter(([id, q]) => seen.get(id) !== q).length,
        duplicated: ids.length - new Set(ids).size,
        finalStateEqual: [...final].every(([id, q]) => seen.get(id) === q),
      };
      await client.close();
      return row;
    }
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await redis.kill();
  }
});

function printRows(rows: Row[]): void {
  const settings = readLocalSystemSettings(freePorts);
  const policies = settings.pos.resilience;
  console.log(
    '| scenario | changes made | events delivered | lost | duplicated | final state = vendor’s |',
  );
  console.log('|---|---:|---:|---:|---:|---|');
  for (const row of rows) {
    console.log(
      `| ${row.scenario} | ${row.changes} | ${row.delivered} | ${row.lost} | ${row.duplicated} | ${row.finalStateEqual ? 'yes' : 'NO'} |`,
    );
  }
  console.log(
    `\nDeployed policies (an empty environment): quota ${policies?.rateLimit?.perSecond}/s burst ` +
      `${policies?.rateLimit?.burst}, ${policies?.retry.maxRetries} retries, request budget ` +
      `${policies?.requestBudgetMs} ms, try timeout ${settings.pos.upstream.timeoutMs} ms, event ` +
      `resolution retries ${settings.gateway.websocket?.resolutionRetries}; webhooks retried ` +
      'every 200 ms until accepted; reconciliation off (so webhooks alone carry the changes).',
  );
}

async function readOutput(service: ChildService): Promise<string> {
  let output = '';
  service.child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await sleep(200);
  return `${service.ready.input ?? ''}${output}`;
}
