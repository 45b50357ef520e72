/**
 * Side-by-side gateway benchmark: OUR gateway, stock Apollo Gateway and Hive Gateway, each in
 * its own process with one worker, over the same supergraph file and subgraphs, on
 * (a) the public federation benchmark and (b) the restaurant graph's README query;
 * (c) subscription fan-out is a hook for later. autocannon drives the load from a process of
 * its own; gateways are alternated A B C A B C and the median of the rounds is reported, with
 * every answer checked against the expected response.
 *
 * Usage: npm run bench. Environment (defaults keep the whole run under 10 minutes on 2 cores):
 *   BENCH_DURATION_SEC (10)  BENCH_ROUNDS (5)  BENCH_WARMUP_SEC (10)  BENCH_CONNECTIONS (50)
 *   BENCH_SUBGRAPH_SEC (5)   seconds per subgraph when measuring the subgraphs directly
 *   BENCH_WORKLOADS (federation,restaurant)  BENCH_GATEWAYS (ours,apollo-gateway,hive-gateway)
 *   SUBGRAPH_DELAY_MS (0)    fixed delay of every federation-benchmark subgraph answer
 *   BENCH_EXTRA_GATEWAYS     more gateways as `id=entry.ts [node flags],...`, e.g.
 *                            `before=/tmp/old/bench/gateways/ours.ts` (a copy of the tree
 *                            before a change): how each change in bench/results/HISTORY.md
 *                            was measured against stock
 *   BENCH_CPU_PROF           gateways to run with --cpu-prof (profiles in bench/results/profiles)
 *   BENCH_PIN (true)         pin each gateway to the last CPUs, and the load generator and
 *                            the subgraphs to CPU 0, as the published benchmark does
 * Writes bench/results/<timestamp>.json, latest.md and latest.svg, and prints the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envVar, readEnv, runMain } from '../subgraphs/kit/config.ts';
import { type ChildService, startChild } from './lib/childProcess.ts';
import { type LoadGenerator, type LoadResult, startLoadGenerator } from './lib/loadClient.ts';
import { renderMarkdown, renderSvg } from './lib/report.ts';
import {
  type BenchmarkResults,
  type GatewayResult,
  median,
  type SubgraphDirectResult,
  type WorkloadResult,
} from './lib/results.ts';
import {
  federationWorkload,
  type MeasuredWorkload,
  type RunningWorkload,
  restaurantWorkload,
  type SkippedWorkload,
  subscriptionWorkload,
} from './lib/workloads.ts';

interface Peer {
  id: string;
  label: string;
  entry: string;
  nodeArgs?: string[];
}

const gateways: Peer[] = [
  { id: 'ours', label: 'ours', entry: 'bench/gateways/ours.ts' },
  {
    id: 'apollo-gateway',
    label: 'stock Apollo Gateway',
    entry: 'bench/gateways/apollo-gateway.ts',
  },
  { id: 'hive-gateway', label: 'Hive Gateway', entry: 'bench/gateways/hive-gateway.ts' },
];
const stockId = 'apollo-gateway';
const workloads: (MeasuredWorkload | SkippedWorkload)[] = [
  federationWorkload,
  restaurantWorkload,
  subscriptionWorkload,
];
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(','));
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

type Settings = ReturnType<typeof readSettings>;
function readSettings() {
  const env = readEnv({
    BENCH_DURATION_SEC: seconds(10),
    BENCH_ROUNDS: envVar.positiveInt(5),
    BENCH_WARMUP_SEC: seconds(10),
    BENCH_CONNECTIONS: envVar.positiveInt(50),
    BENCH_SUBGRAPH_SEC: seconds(5),
    BENCH_WORKLOADS: list('federation,restaurant'),
    BENCH_GATEWAYS: list(gateways.map((g) => g.id).join(',')),
    SUBGRAPH_DELAY_MS: z.coerce.number().int().min(0).default(0),
    BENCH_EXTRA_GATEWAYS: list(''),
    BENCH_CPU_PROF: list(''),
    BENCH_PIN: envVar.flag(true),
  });
  const cpuCount = cpus().length;
  const pin = env.BENCH_PIN && cpuCount >= 2;
  return {
    durationSec: env.BENCH_DURATION_SEC,
    rounds: env.BENCH_ROUNDS,
    warmupSec: env.BENCH_WARMUP_SEC,
    connections: env.BENCH_CONNECTIONS,
    subgraphSec: env.BENCH_SUBGRAPH_SEC,
    workloads: env.BENCH_WORKLOADS,
    gateways: [
      ...gateways.filter((g) => env.BENCH_GATEWAYS.includes(g.id)),
      ...env.BENCH_EXTRA_GATEWAYS.filter(Boolean).map((spec): Peer => {
        const [id = '', command = ''] = spec.split(/=(.*)/s);
        const [entry = '', ...nodeArgs] = command.split(' ').filter(Boolean);
        if (!id || !entry) throw new Error(`BENCH_EXTRA_GATEWAYS wants id=entry.ts: ${spec}`);
        return { id, label: id, entry, nodeArgs };
      }),
    ],
    subgraphDelayMs: env.SUBGRAPH_DELAY_MS,
    cpuProf: env.BENCH_CPU_PROF,
    gatewayCpus: pin ? (cpuCount === 2 ? '1' : `1-${cpuCount - 1}`) : undefined,
    helperCpus: pin ? '0' : undefined,
  };
}

const log = (line: string) => console.error(line);
const describe = (r: LoadResult) =>
  `${r.rps.toFixed(1)} rps, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors, ${r.mismatches} mismatches`;

async function runWorkload(
  workload: MeasuredWorkload,
  settings: Settings,
  load: LoadGenerator,
): Promise<WorkloadResult> {
  log(`\n${workload.title}`);
  const running = await workload.start({
    subgraphDelayMs: settings.subgraphDelayMs,
    cpus: settings.helperCpus,
  });
  const started: { gateway: Peer; service: ChildService; url: string }[] = [];
  try {
    for (const gateway of settings.gateways) {
      const service = await startChild(gateway.entry, {
        env: { SUPERGRAPH_PATH: running.supergraphPath, NODE_ENV: 'production' },
        nodeArgs: [
          ...(gateway.nodeArgs ?? []),
          ...(settings.cpuProf.includes(gateway.id)
            ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}profiles`]
            : []),
        ],
        readyPattern: /gateway listening at (\S+)/,
        cpus: settings.gatewayCpus,
      });
      started.push({ gateway, service, url: service.ready[1] ?? '' });
    }
    const expectedJson = running.expectedJson ?? (await referenceAnswer(started, running));
    for (const { gateway, url } of started) {
      await checkOneAnswer(gateway.label, url, running.body, expectedJson);
    }
    const request = (url: string, durationSec: number) => ({
      url,
      bodies: [running.body],
      connections: settings.connections,
      durationSec,
      expectedJson,
    });
    for (const { gateway, url } of started) {
      const warm = await load.run(request(url, settings.warmupSec));
      log(`  warm-up ${gateway.label}: ${describe(warm)}`);
    }
    const rounds = new Map<string, LoadResult[]>(started.map((s) => [s.gateway.id, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const { gateway, url } of started) {
        const result = await load.run(request(url, settings.durationSec));
        rounds.get(gateway.id)?.push(result);
        log(`  round ${round} ${gateway.label}: ${describe(result)}`);
        if (result.firstMismatch) log(`    first mismatching answer: ${result.firstMismatch}`);
      }
    }
    const subgraphsDirect = running.seenSubgraphRequests
      ? await measureSubgraphsDirectly(running, settings, load)
      : undefined;
    const results: GatewayResult[] = started.map(({ gateway, service }) => {
      const measured = rounds.get(gateway.id) ?? [];
      return {
        id: gateway.id,
        label: gateway.label,
        rounds: measured,
        rps: median(measured.map((r) => r.rps)),
        p50Ms: median(measured.map((r) => r.p50Ms)),
        p99Ms: median(measured.map((r) => r.p99Ms)),
        errors: measured.reduce((sum, r) => sum + r.errors, 0),
        mismatches: measured.reduce((sum, r) => sum + r.mismatches, 0),
        peakRssMb: service.peakRssBytes() / 2 ** 20,
        ratioToStock: null,
      };
    });
    const stock = results.find((r) => r.id === stockId);
    for (const result of results) result.ratioToStock = stock ? result.rps / stock.rps : null;
    return {
      id: workload.id,
      title: workload.title,
      status: 'measured',
      gateways: results,
      ...(subgraphsDirect ? { subgraphsDirect } : {}),
    };
  } finally {
    await Promise.all(started.map((s) => s.service.stop()));
    await running.stop();
  }
}

/** Without a published expected response, stock Apollo Gateway's answer is the reference. */
async function referenceAnswer(
  started: { gateway: { id: string }; url: string }[],
  running: RunningWorkload,
): Promise<string> {
  const reference = started.find((s) => s.gateway.id === stockId) ?? started[0];
  if (!reference) throw new Error('no gateway to take the reference answer from');
  const answer = await post(reference.url, running.body);
  const parsed = JSON.parse(answer) as { data?: unknown; errors?: unknown };
  if (parsed.errors || !parsed.data) throw new Error(`the reference answer has errors: ${answer}`);
  return JSON.stringify(parsed);
}

async function checkOneAnswer(label: string, url: string, body: string, expectedJson: string) {
  const answer = await post(url, body);
  if (JSON.stringify(JSON.parse(answer)) !== expectedJson) {
    throw new Error(`${label} answers differently from the expected response:\n${answer}`);
  }
}

async function post(url: string, body: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return response.text();
}

/** Each subgraph alone, replaying the bodies the gateways sent it, at the same concurrency. */
async function measureSubgraphsDirectly(
  running: RunningWorkload,
  settings: Settings,
  load: LoadGenerator,
): Promise<SubgraphDirectResult[]> {
  const results: SubgraphDirectResult[] = [];
  for (const subgraph of (await running.seenSubgraphRequests?.()) ?? []) {
    if (subgraph.bodies.length === 0) continue;
    const request = {
      url: subgraph.url,
      bodies: subgraph.bodies,
      connections: settings.connections,
      durationSec: settings.subgraphSec,
    };
    await load.run({ ...request, durationSec: Math.min(2, settings.subgraphSec) });
    const result = await load.run(request);
    log(`  subgraph ${subgraph.name} directly: ${describe(result)}`);
    results.push({
      name: subgraph.name,
      rps: result.rps,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      errors: result.errors,
    });
  }
  return results;
}

await runMain(async () => {
  const settings = readSettings();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const load = startLoadGenerator(settings.helperCpus);
  const results: WorkloadResult[] = [];
  try {
    for (const workload of workloads) {
      if ('skipped' in workload) {
        log(`\n${workload.title}: skipped, ${workload.skipped}`);
        results.push({ ...workload, status: 'skipped', reason: workload.skipped });
      } else if (settings.workloads.includes(workload.id)) {
        results.push(
          await runWorkload(workload, settings, load).catch((error: unknown) => {
            log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
            return {
              id: workload.id,
              title: workload.title,
              status: 'failed' as const,
              reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
            };
          }),
        );
      }
    }
  } finally {
    await load.close();
  }
  const report: BenchmarkResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      node: process.version,
      loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    },
    settings: {
      connections: settings.connections,
      durationSec: settings.durationSec,
      warmupSec: settings.warmupSec,
      rounds: settings.rounds,
      subgraphDelayMs: settings.subgraphDelayMs,
      pinned: settings.gatewayCpus !== undefined,
    },
    workloads: results,
  };
  mkdirSync(resultsDir, { recursive: true });
  const markdown = renderMarkdown(report);
  writeFileSync(
    `${resultsDir}${startedAt.replace(/:/g, '-')}.json`,
    JSON.stringify(report, null, 2),
  );
  writeFileSync(`${resultsDir}latest.md`, markdown);
  writeFileSync(`${resultsDir}latest.svg`, renderSvg(report));
  console.log(`\n${markdown}`);
  const failed = results.some(
    (w) =>
      w.status === 'failed' ||
      (w.status === 'measured' && w.gateways.some((g) => g.errors > 0 || g.mismatches > 0)),
  );
  if (failed) {
    console.error('a workload failed, or answers were errors or did not match the expected one');
    process.exitCode = 1;
  }
});
