import { fileURLToPath } from 'node:url';
import { benchSecretsEnv } from './benchIdentity.ts';
import { type ChildService, startChild } from './childProcess.ts';
import type { LoadGenerator, LoadResult } from './loadClient.ts';
import {
  type GatewayResult,
  median,
  type SubgraphDirectResult,
  type WorkloadResult,
} from './results.ts';
import { type BenchSettings, type Peer, stockId } from './settings.ts';
import type { MeasuredWorkload, RunningWorkload } from './workloads.ts';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

const log = (line: string) => console.error(line);
const describe = (r: LoadResult) =>
  `${r.rps.toFixed(1)} rps, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors, ${r.mismatches} mismatches`;

/**
 * One workload, side by side: its subgraphs and every gateway started, one answer of each
 * checked, a warm-up each, then rounds with the gateways alternated (A B C A B C), and for
 * a workload whose subgraphs can be replayed, each subgraph measured directly.
 */
export async function measureWorkload(
  workload: MeasuredWorkload,
  settings: BenchSettings,
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
        env: {
          SUPERGRAPH_PATH: running.supergraphPath,
          NODE_ENV: 'production',
          ...benchSecretsEnv,
          ...running.gatewayEnv,
        },
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
      await checkOneAnswer(gateway.label, url, running, expectedJson);
    }
    const request = (url: string, durationSec: number) => ({
      url,
      bodies: [running.body],
      headers: running.requestHeaders(),
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
  const answer = await post(reference.url, running);
  const parsed = JSON.parse(answer) as { data?: unknown; errors?: unknown };
  if (parsed.errors || !parsed.data) throw new Error(`the reference answer has errors: ${answer}`);
  return JSON.stringify(parsed);
}

async function checkOneAnswer(
  label: string,
  url: string,
  running: RunningWorkload,
  expectedJson: string,
) {
  const answer = await post(url, running);
  if (JSON.stringify(JSON.parse(answer)) !== expectedJson) {
    throw new Error(`${label} answers differently from the expected response:\n${answer}`);
  }
}

async function post(url: string, running: RunningWorkload): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...running.requestHeaders(), 'content-type': 'application/json' },
    body: running.body,
  });
  return response.text();
}

/** Each subgraph alone, replaying the bodies the gateways sent it, at the same concurrency. */
async function measureSubgraphsDirectly(
  running: RunningWorkload,
  settings: BenchSettings,
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
