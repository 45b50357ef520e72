import type { LoadResult } from './loadClient.ts';
import type { FanOutResult } from './subscriptionLoad.ts';

/** What one `npm run bench` measured: written as JSON, then as a table and a chart. */
export interface BenchmarkResults {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    /** 1-minute load averages at start and end: above the core count, others shared the CPUs. */
    loadAverage: { start: number; end: number };
  };
  settings: {
    connections: number;
    durationSec: number;
    warmupSec: number;
    rounds: number;
    subgraphDelayMs: number;
    /** Gateway on its own CPU, load generator and subgraphs on CPU 0. */
    pinned: boolean;
  };
  workloads: WorkloadResult[];
}

export type WorkloadResult =
  | {
      id: string;
      title: string;
      status: 'measured';
      gateways: GatewayResult[];
      /** Workload (a) only: each subgraph measured directly, at the same concurrency. */
      subgraphsDirect?: SubgraphDirectResult[];
    }
  | {
      id: string;
      title: string;
      status: 'fan-out';
      subscribers: number;
      /** Paced events at `perSecond` (latency), then a burst (events per second sustained). */
      events: { paced: number; perSecond: number; burst: number };
      gateways: FanOutGatewayResult[];
    }
  | { id: string; title: string; status: 'skipped'; reason: string }
  /** It could not be measured (a gateway or the subgraphs failed); the run goes on. */
  | { id: string; title: string; status: 'failed'; reason: string };

export interface GatewayResult {
  id: string;
  label: string;
  rounds: LoadResult[];
  /** Medians over the rounds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Summed over the rounds; both must be 0. */
  errors: number;
  mismatches: number;
  peakRssMb: number;
  /** RPS over stock Apollo Gateway's RPS on the same workload. */
  ratioToStock: number | null;
}

/** One gateway on the fan-out workload: medians over the rounds, or why it was not run. */
export type FanOutGatewayResult =
  | { id: string; label: string; supported: false; reason: string }
  | {
      id: string;
      label: string;
      supported: true;
      rounds: FanOutResult[];
      /** Vendor change to client, at the paced rate. */
      latencyP50Ms: number;
      latencyP99Ms: number;
      /** In the burst: events that reached every subscriber per second, and messages per second. */
      eventsPerSecond: number;
      deliveriesPerSecond: number;
      kibPerSubscriber: number;
      peakRssMb: number;
      /**
       * Summed over the rounds: deliveries that never came (events × subscribers, counting a
       * subscriber that could not subscribe as missing every event), and results with errors.
       */
      undelivered: number;
      errors: number;
    };

export interface SubgraphDirectResult {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A gateway's p50 less the slowest subgraph's direct p50: what the gateway itself adds. */
export function gatewayOverheads(workload: Extract<WorkloadResult, { status: 'measured' }>) {
  const slowest = Math.max(...(workload.subgraphsDirect ?? []).map((s) => s.p50Ms));
  if (!Number.isFinite(slowest)) return [];
  return workload.gateways.map((gateway) => ({
    label: gateway.label,
    p50Ms: gateway.p50Ms,
    slowestSubgraphP50Ms: slowest,
    overheadMs: gateway.p50Ms - slowest,
  }));
}
