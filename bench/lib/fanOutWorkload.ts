import { fileURLToPath } from 'node:url';
import { acknowledgeEnforcedSecurityFeatures } from '../../gateway/auth/fieldRules.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { benchSecrets, benchSecretsEnv, signedIdentityHeaders } from './benchIdentity.ts';
import { type ChildService, startChild } from './childProcess.ts';
import { startRestaurantBackend } from './restaurantBackend.ts';
import { newOrdersAt } from './restaurantEvents.ts';
import { type FanOutGatewayResult, median, type WorkloadResult } from './results.ts';
import type { BenchSettings, Peer } from './settings.ts';
import { type FanOutResult, measureFanOut } from './subscriptionLoad.ts';
import { writeSupergraphWithRoutingUrls } from './supergraph.ts';

/**
 * (c) Subscription fan-out, side by side: the same crowd of graphql-ws subscribers on the
 * README's OrderChanged subscription through each gateway that serves subscriptions, and new
 * orders made at the POS emulator (bench/lib/subscriptionLoad.ts measures). Gateways are
 * alternated round by round, each with a fresh crowd. Stock Apollo Gateway does not execute
 * subscriptions, so it is listed without numbers.
 */
export const fanOutWorkload = {
  id: 'subscriptions',
  title:
    '(c) Subscription fan-out: OrderChanged to every subscriber, new orders at the POS emulator',
};

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const log = (line: string) => console.error(line);

export async function measureFanOutWorkload(settings: BenchSettings): Promise<WorkloadResult> {
  const { fanOut } = settings;
  const title = `${fanOutWorkload.title} (${fanOut.subscribers.toLocaleString('en')} subscribers)`;
  log(`\n${title}`);
  const ready = await startRestaurantBackend({ cpus: settings.helperCpus });
  const started: { gateway: Peer; service: ChildService; rounds: FanOutResult[] }[] = [];
  try {
    // As for workload (b): the security link unmarked so every gateway loads the supergraph.
    const supergraphPath = writeSupergraphWithRoutingUrls(
      path('../../schema/supergraph.graphql'),
      ready.subgraphUrls,
      acknowledgeEnforcedSecurityFeatures,
    );
    for (const gateway of settings.gateways.filter((g) => g.subscriptions !== false)) {
      const service = await startChild(gateway.entry, {
        env: {
          SUPERGRAPH_PATH: supergraphPath,
          NODE_ENV: 'production',
          ...benchSecretsEnv,
          WS_MAX_CONNECTIONS_PER_CLIENT: String(fanOut.subscribers + 100),
        },
        nodeArgs: gateway.nodeArgs ?? [],
        readyPattern: /gateway listening at (\S+)/,
        cpus: settings.gatewayCpus,
      });
      started.push({ gateway, service, rounds: [] });
    }
    const source = newOrdersAt(ready);
    for (let round = 1; round <= fanOut.rounds; round++) {
      for (const { gateway, service, rounds } of started) {
        log(`  round ${round} ${gateway.label}:`);
        rounds.push(
          await measureFanOut({
            url: (service.ready[1] ?? '').replace(/^http/, 'ws'),
            subscribers: fanOut.subscribers,
            query: orderChangedSubscription,
            variables: { locationId: ready.locationId },
            // OUR gateway authenticates each caller (a token per subscriber, as phones have);
            // the peers pass the signed identity on to the subgraphs, as for workload (b).
            connectionParams: signedIdentityHeaders(),
            tokenPerClient: { secret: benchSecrets.jwt, role: 'manager', locations: ['*'] },
            keyFields: ['id', 'version'],
            source,
            paced: { events: fanOut.pacedEvents, perSecond: fanOut.ratePerSecond },
            burst: { events: fanOut.burstEvents, concurrency: 8 },
            gatewayRss: () => service.rssBytes(),
            cpus: settings.helperCpus,
            log: (line) => log(`  ${line}`),
          }),
        );
      }
    }
    const gateways: FanOutGatewayResult[] = settings.gateways.map((gateway) => {
      const run = started.find((s) => s.gateway.id === gateway.id);
      if (!run) {
        return {
          id: gateway.id,
          label: gateway.label,
          supported: false,
          reason: 'does not execute subscriptions',
        };
      }
      const { rounds } = run;
      return {
        id: gateway.id,
        label: gateway.label,
        supported: true,
        rounds,
        latencyP50Ms: median(rounds.map((r) => r.paced.latencyMs.p50)),
        latencyP99Ms: median(rounds.map((r) => r.paced.latencyMs.p99)),
        eventsPerSecond: median(rounds.map((r) => r.burst.eventsPerSecond)),
        deliveriesPerSecond: median(rounds.map((r) => r.burst.deliveriesPerSecond)),
        kibPerSubscriber: median(rounds.map((r) => r.kibPerSubscriber)),
        peakRssMb: run.service.peakRssBytes() / 2 ** 20,
        undelivered: rounds.reduce(
          (sum, r) =>
            sum +
            (r.paced.events + r.burst.events) * r.subscribers -
            (r.paced.delivered + r.burst.delivered),
          0,
        ),
        errors: rounds.reduce((sum, r) => sum + r.errors, 0),
      };
    });
    return {
      id: fanOutWorkload.id,
      title,
      status: 'fan-out',
      subscribers: fanOut.subscribers,
      events: {
        paced: fanOut.pacedEvents,
        perSecond: fanOut.ratePerSecond,
        burst: fanOut.burstEvents,
      },
      gateways,
    };
  } finally {
    await Promise.all(started.map((s) => s.service.stop()));
    await ready.service.stop();
  }
}
