/**
 * Real-time at scale: 1,000 and then 10,000 concurrent subscribers on one gateway process, all
 * on the README's OrderChanged subscription (fields from POS, inventory and scheduling), and
 * new orders made at the POS emulator's API. Per crowd size, with a fresh gateway each time:
 * delivery latency from the vendor change to each client (p50, p99) at a steady rate, the
 * events per second the system then sustains to every subscriber in a burst, and the gateway's
 * memory per subscriber. The emulators and subgraphs share one process, the subscribers
 * another (each its own socket), the gateway a third: on a 2-core machine the clients' own
 * work is in the latencies, as on any one-machine run.
 *
 * The paced rate offers the same deliveries per second to every crowd (20,000: 20 events a
 * second to 1,000 subscribers, 2 to 10,000), about half of what one gateway process sustains,
 * so the latency is the path's, not a queue's; the burst is sized in deliveries the same way.
 *
 * Usage: node bench/subscriptions.ts. Environment:
 *   SUB_BENCH_SUBSCRIBERS (1000,10000)  SUB_BENCH_PACED_EVENTS (40)
 *   SUB_BENCH_PACED_DELIVERIES (20000 per s)  SUB_BENCH_BURST_DELIVERIES (200000)
 *   SUB_BENCH_BURST_CONCURRENCY (8)
 *   SUB_BENCH_CPU_PROF (false)          profile the gateway and the back end (bench/results/profiles)
 * Writes bench/results/subscriptions.json and subscriptions.md, and prints the table.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envVar, readEnv, runMain } from '../platform/config.ts';
import { orderChangedSubscription } from '../schema/operations.ts';
import { benchSecrets, benchSecretsEnv } from './lib/benchIdentity.ts';
import { startChild } from './lib/childProcess.ts';
import { startRestaurantBackend } from './lib/restaurantBackend.ts';
import { newOrdersAt } from './lib/restaurantEvents.ts';
import { oursNodeArgs } from './lib/settings.ts';
import { type FanOutResult, measureFanOut } from './lib/subscriptionLoad.ts';
import { writeSupergraphWithRoutingUrls } from './lib/supergraph.ts';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const log = (line: string) => console.error(line);

await runMain(async () => {
  const env = readEnv({
    SUB_BENCH_SUBSCRIBERS: z
      .string()
      .default('1000,10000')
      .transform((list) => list.split(',').map(Number)),
    SUB_BENCH_PACED_EVENTS: envVar.positiveInt(40),
    SUB_BENCH_PACED_DELIVERIES: envVar.positiveInt(20_000),
    SUB_BENCH_BURST_DELIVERIES: envVar.positiveInt(200_000),
    SUB_BENCH_BURST_CONCURRENCY: envVar.positiveInt(8),
    SUB_BENCH_CPU_PROF: envVar.flag(false),
  });
  const profile: { nodeArgs?: string[] } = env.SUB_BENCH_CPU_PROF
    ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path('./results/profiles')}`] }
    : {};
  const ready = await startRestaurantBackend(profile);
  const results: FanOutResult[] = [];
  try {
    const supergraphPath = writeSupergraphWithRoutingUrls(
      path('../schema/supergraph.graphql'),
      ready.subgraphUrls,
    );
    const source = newOrdersAt(ready);
    for (const subscribers of env.SUB_BENCH_SUBSCRIBERS) {
      log(`\n${subscribers} subscribers on one gateway`);
      const gateway = await startChild(path('./gateways/ours.ts'), {
        nodeArgs: [...oursNodeArgs, ...(profile.nodeArgs ?? [])],
        env: {
          SUPERGRAPH_PATH: supergraphPath,
          NODE_ENV: 'production',
          ...benchSecretsEnv,
          // Every subscriber connects from 127.0.0.1: the per-address socket limit must hold them.
          WS_MAX_CONNECTIONS_PER_CLIENT: String(subscribers + 100),
        },
        readyPattern: /gateway listening at (\S+)/,
      });
      try {
        results.push(
          await measureFanOut({
            url: (gateway.ready[1] ?? '').replace(/^http/, 'ws'),
            subscribers,
            query: orderChangedSubscription,
            variables: { locationId: ready.locationId },
            connectionParams: {},
            // Each phone its own caller: they share upstreams because they are alike.
            tokenPerClient: { secret: benchSecrets.jwt, role: 'manager', locations: ['*'] },
            keyFields: ['id', 'version'],
            source,
            paced: {
              events: env.SUB_BENCH_PACED_EVENTS,
              // At most 20 a second: the emulator makes about 100 orders a second in all.
              perSecond: Math.min(
                20,
                Math.max(1, Math.round(env.SUB_BENCH_PACED_DELIVERIES / subscribers)),
              ),
            },
            burst: {
              events: Math.max(20, Math.ceil(env.SUB_BENCH_BURST_DELIVERIES / subscribers)),
              concurrency: env.SUB_BENCH_BURST_CONCURRENCY,
            },
            gatewayRss: () => gateway.rssBytes(),
            log,
          }),
        );
      } finally {
        await gateway.stop();
      }
    }
  } finally {
    await ready.service.stop();
  }
  const markdown = renderTable(results);
  const resultsDir = path('./results/');
  writeFileSync(
    `${resultsDir}subscriptions.json`,
    JSON.stringify(
      { measuredAt: new Date().toISOString(), cpus: cpus().length, node: process.version, results },
      null,
      2,
    ),
  );
  writeFileSync(`${resultsDir}subscriptions.md`, markdown);
  console.log(`\n${markdown}`);
  if (results.some((r) => r.connected < r.subscribers || lost(r) > 0 || r.errors > 0)) {
    console.error('some subscribers did not connect, or events were lost or arrived as errors');
    process.exitCode = 1;
  }
});

function lost(r: FanOutResult): number {
  return r.paced.expected - r.paced.delivered + (r.burst.expected - r.burst.delivered);
}

function renderTable(results: FanOutResult[]): string {
  const rows = results.map((r) =>
    [
      r.subscribers.toLocaleString('en'),
      String(r.paced.offeredPerSecond),
      `${r.paced.latencyMs.p50.toFixed(0)} / ${r.paced.latencyMs.p99.toFixed(0)}`,
      `${r.burst.latencyMs.p50.toFixed(0)} / ${r.burst.latencyMs.p99.toFixed(0)}`,
      r.burst.eventsPerSecond.toFixed(1),
      Math.round(r.burst.deliveriesPerSecond).toLocaleString('en'),
      `${r.kibPerSubscriber} KiB`,
      `${r.gatewayRssMb.subscribed} MB (peak ${r.gatewayRssMb.peakAfterEvents})`,
      String(lost(r) + r.errors),
    ].join(' | '),
  );
  return [
    '| subscribers | paced events/s | latency p50 / p99, paced (ms) | latency p50 / p99, burst (ms) | events/s to all | deliveries/s | gateway memory per subscriber | gateway RSS | lost or errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}
