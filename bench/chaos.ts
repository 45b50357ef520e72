/**
 * The README query under vendor faults: success rate, p50 and p99 for each fault profile next
 * to the run without faults. Each profile gets a fresh system (emulators, subgraphs, gateway)
 * with the settings a deployment gets from an empty environment (readLocalSystemSettings: the
 * vendor quota of 20 calls/s with a burst of 40 per API, 3 retries from 100 ms, breaker at 50%
 * of 10+ tries in 10 s, a 3 s timeout per try, an 8 s request budget), printed with the table,
 * except the cross-request cache, off so every query goes to the vendors and meets the faults.
 * Faults hit a seeded random share of calls (clusters happen, as in production).
 *
 * Usage: npm run bench:chaos   (CHAOS_RUNS per profile, default 200; CHAOS_CONCURRENCY, 10;
 * EMULATOR_LATENCY_MS, the vendors' own latency, 10; CHAOS_PROFILES, a comma-separated list of
 * profile names' starts to run only those)
 */

import { freePorts, readLocalSystemSettings } from '../dev/localSettings.ts';
import type { LocalSystem } from '../dev/localSystem.ts';
import type { FaultRule } from '../emulators/index.ts';
import { createWorld } from '../emulators/world.ts';
import { locationOverviewQuery } from '../schema/operations.ts';
import { defaultResilience } from '../subgraphs/kit/resilience.ts';
import { type GraphQLResponse, postGraphQL } from '../test/graphqlClient.ts';
import { startTestSystem } from '../test/system.ts';

// Per-request log lines would bury the table this prints.
process.env.LOG_LEVEL ??= 'warn';

const runs = Number(process.env.CHAOS_RUNS ?? 200);
const concurrency = Number(process.env.CHAOS_CONCURRENCY ?? 10);
const latencyMs = Number(process.env.EMULATOR_LATENCY_MS ?? 10);
const environment = { ...process.env, ...freePorts };
const deployed = readLocalSystemSettings(environment);
const policies = deployed.pos.resilience ?? defaultResilience;
const tryTimeoutMs = deployed.pos.upstream.timeoutMs;
const chosen = (process.env.CHAOS_PROFILES ?? '').split(',').filter(Boolean);

type Upstream = 'pos' | 'inventory' | 'scheduling';
interface Profile {
  name: string;
  faults: Partial<Record<Upstream | 'all', FaultRule[]>>;
}

const profiles: Profile[] = [
  { name: 'no faults', faults: {} },
  { name: '30% 5xx, every vendor', faults: { all: [{ kind: 'error', rate: 0.3, seed: 1 }] } },
  {
    name: '+300 ms on 10% of calls',
    faults: { all: [{ kind: 'latency', ms: 300, rate: 0.1, seed: 2 }] },
  },
  {
    name: '429 storm (50%), Retry-After 0.1 s',
    faults: { all: [{ kind: 'rateLimit', rate: 0.5, retryAfterSeconds: 0.1, seed: 3 }] },
  },
  {
    name: '429 storm (50%), no Retry-After',
    faults: { all: [{ kind: 'rateLimit', rate: 0.5, seed: 4 }] },
  },
  { name: 'hangs on 3% of calls', faults: { all: [{ kind: 'hang', rate: 0.03, seed: 5 }] } },
  { name: 'dropped connections, 10%', faults: { all: [{ kind: 'drop', rate: 0.1, seed: 6 }] } },
  { name: 'inventory down (503)', faults: { inventory: [{ kind: 'outage' }] } },
  { name: 'scheduling down (503)', faults: { scheduling: [{ kind: 'outage' }] } },
];

interface Overview {
  location: { name: string } | null;
}

async function measure(profile: Profile) {
  const world = createWorld({ seed: 7 });
  const locationId = world.locations[0]?.id ?? '';
  const system: LocalSystem = await startTestSystem({
    world,
    settings: readLocalSystemSettings(environment),
    upstreamLatencyMs: latencyMs,
    subgraphs: { caching: false },
  });
  try {
    const emulators = {
      pos: system.emulators.pos,
      inventory: system.emulators.inventory,
      scheduling: system.emulators.scheduling,
    };
    for (const name of ['pos', 'inventory', 'scheduling'] as const) {
      emulators[name].faults.set([...(profile.faults.all ?? []), ...(profile.faults[name] ?? [])]);
      emulators[name].calls.reset();
    }
    const results: { ms: number; body: GraphQLResponse<Overview> }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < runs) {
          next += 1;
          // Requests differ (location, page size), as different callers' do: in-flight
          // sharing of identical vendor calls would otherwise hide most of the faults.
          const variables = {
            locationId: world.locations[next % world.locations.length]?.id ?? locationId,
            orders: 1 + (next % 10),
          };
          const started = performance.now();
          const { body } = await postGraphQL<Overview>(
            system.gateway.url,
            locationOverviewQuery,
            variables,
          );
          results.push({ ms: performance.now() - started, body });
        }
      }),
    );
    const complete = results.filter((r) => !r.body.errors && r.body.data?.location).length;
    const codes = new Map<string, number>();
    for (const r of results) {
      for (const error of r.body.errors ?? []) {
        const code = String(error.extensions?.code ?? 'none');
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    const answered = results.filter((r) => r.body.data?.location).length;
    const tries = Object.values(emulators).reduce((sum, e) => sum + e.calls.count(), 0);
    const durations = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      complete: complete / results.length,
      answered: answered / results.length,
      p50: percentile(durations, 0.5),
      p99: percentile(durations, 0.99),
      triesPerQuery: tries / results.length,
      errors: [...codes].map(([code, n]) => `${code} ${n}`).join(', ') || 'none',
    };
  } finally {
    await system.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

const quota = policies.rateLimit
  ? `${policies.rateLimit.perSecond}/s, burst ${policies.rateLimit.burst}`
  : 'none';
console.log(
  `README query, ${runs} runs per profile, ${concurrency} at a time; vendor latency ${latencyMs} ms, ` +
    `deployed policies: quota ${quota} per vendor API, timeout ${tryTimeoutMs} ms per try, ` +
    `request budget ${policies.requestBudgetMs} ms, ${policies.retry.maxRetries} retries from ` +
    `${policies.retry.initialDelayMs} ms; no cache.\n` +
    'complete: no error at all; answered: the location with POS data, maybe some fields null ' +
    'with typed errors.\n',
);
console.log(
  '| profile | complete | answered | p50 ms | p99 ms | p99 vs no faults | vendor tries per query | errors by code |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
let baseline: { p50: number; p99: number } | undefined;
for (const profile of profiles) {
  if (
    chosen.length > 0 &&
    profile.name !== 'no faults' &&
    !chosen.some((c) => profile.name.startsWith(c))
  ) {
    continue;
  }
  const result = await measure(profile);
  baseline ??= result;
  console.log(
    `| ${profile.name} | ${percent(result.complete)} | ${percent(result.answered)} | ` +
      `${result.p50.toFixed(0)} | ${result.p99.toFixed(0)} | ` +
      `${(result.p99 / baseline.p99).toFixed(1)}x | ${result.triesPerQuery.toFixed(1)} | ${result.errors} |`,
  );
}
