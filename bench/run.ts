/**
 * Side-by-side gateway benchmark: OUR gateway, stock Apollo Gateway and Hive Gateway, each in
 * its own process with one worker, over the same supergraph file and subgraphs, on
 * (a) the public federation benchmark and (b) the restaurant graph's README query, and
 * (c) subscription fan-out (bench/lib/fanOutWorkload.ts). autocannon drives the load from a
 * process of its own; gateways are alternated A B C A B C and the median of the rounds is
 * reported, with every answer checked against the expected response.
 *
 * Usage: npm run bench. Environment (defaults keep the whole run under 10 minutes on 2 cores):
 *   BENCH_DURATION_SEC (10)  BENCH_ROUNDS (5)  BENCH_WARMUP_SEC (10)  BENCH_CONNECTIONS (50)
 *   BENCH_SUBGRAPH_SEC (5)   seconds per subgraph when measuring the subgraphs directly
 *   BENCH_WORKLOADS (federation,restaurant,subscriptions)
 *   BENCH_GATEWAYS (ours,apollo-gateway,hive-gateway)
 *   BENCH_SUBSCRIBERS (500)  BENCH_FANOUT_ROUNDS (2)  BENCH_FANOUT_PACED_EVENTS (20)
 *   BENCH_FANOUT_RATE (5 per s)  BENCH_FANOUT_BURST_EVENTS (50): workload (c); at 1,000
 *                            subscribers Hive Gateway fell to 0.7 events/s and its rounds
 *                            slowed the shared back end until webhooks timed out
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
import { runMain } from '../platform/config.ts';
import { fanOutWorkload, measureFanOutWorkload } from './lib/fanOutWorkload.ts';
import { startLoadGenerator } from './lib/loadClient.ts';
import { measureWorkload } from './lib/measureWorkload.ts';
import { renderMarkdown, renderSvg } from './lib/report.ts';
import type { BenchmarkResults, WorkloadResult } from './lib/results.ts';
import { readBenchSettings } from './lib/settings.ts';
import { federationWorkload, type MeasuredWorkload, restaurantWorkload } from './lib/workloads.ts';

const workloads: MeasuredWorkload[] = [federationWorkload, restaurantWorkload];
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

const log = (line: string) => console.error(line);

await runMain(async () => {
  const settings = readBenchSettings();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const load = startLoadGenerator(settings.helperCpus);
  const results: WorkloadResult[] = [];
  try {
    const failed = (id: string, title: string) => (error: unknown) => {
      log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
      return {
        id,
        title,
        status: 'failed' as const,
        reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      };
    };
    for (const workload of workloads) {
      if (!settings.workloads.includes(workload.id)) continue;
      results.push(
        await measureWorkload(workload, settings, load).catch(failed(workload.id, workload.title)),
      );
    }
    if (settings.workloads.includes(fanOutWorkload.id)) {
      results.push(
        await measureFanOutWorkload(settings).catch(
          failed(fanOutWorkload.id, fanOutWorkload.title),
        ),
      );
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
      (w.status === 'measured' && w.gateways.some((g) => g.errors > 0 || g.mismatches > 0)) ||
      // On the fan-out, a peer that falls behind is a result; OUR gateway must deliver all.
      (w.status === 'fan-out' &&
        w.gateways.some((g) => g.supported && g.id === 'ours' && g.undelivered + g.errors > 0)),
  );
  if (failed) {
    console.error('a workload failed, or answers were errors or did not match the expected one');
    process.exitCode = 1;
  }
});
