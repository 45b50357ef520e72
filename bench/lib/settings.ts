import { cpus } from 'node:os';
import { z } from 'zod';
import { envVar, readEnv } from '../../platform/config.ts';

/** A gateway under test: the start script run as its own process. */
export interface Peer {
  id: string;
  label: string;
  entry: string;
  nodeArgs?: string[];
  /** false: it does not execute subscriptions (left out of the fan-out workload). */
  subscriptions?: boolean;
}

/**
 * OUR gateway's V8 flags, as `npm run start:gateway` passes them: a young generation capped at
 * 16 MB semi-spaces instead of V8's default for a large heap (up to 64 MB), which cut peak RSS
 * on workload (a) from 515 to 419 MB for 5% of throughput (bench/results/HISTORY.md).
 */
export const oursNodeArgs = ['--max-semi-space-size=16'];

export const peers: Peer[] = [
  { id: 'ours', label: 'ours', entry: 'bench/gateways/ours.ts', nodeArgs: oursNodeArgs },
  {
    id: 'apollo-gateway',
    label: 'stock Apollo Gateway',
    entry: 'bench/gateways/apollo-gateway.ts',
    // @apollo/gateway refuses subscription operations.
    subscriptions: false,
  },
  { id: 'hive-gateway', label: 'Hive Gateway', entry: 'bench/gateways/hive-gateway.ts' },
];
export const stockId = 'apollo-gateway';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(','));
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

/** The benchmark's environment (see bench/run.ts), read and checked once. */
export type BenchSettings = ReturnType<typeof readBenchSettings>;
export function readBenchSettings(processEnv: NodeJS.ProcessEnv = process.env) {
  const env = readEnv(
    {
      BENCH_DURATION_SEC: seconds(10),
      BENCH_ROUNDS: envVar.positiveInt(5),
      BENCH_WARMUP_SEC: seconds(10),
      BENCH_CONNECTIONS: envVar.positiveInt(50),
      BENCH_SUBGRAPH_SEC: seconds(5),
      BENCH_WORKLOADS: list('federation,restaurant,subscriptions'),
      BENCH_SUBSCRIBERS: envVar.positiveInt(500),
      BENCH_FANOUT_ROUNDS: envVar.positiveInt(2),
      BENCH_FANOUT_PACED_EVENTS: envVar.positiveInt(20),
      BENCH_FANOUT_RATE: envVar.positiveInt(5),
      BENCH_FANOUT_BURST_EVENTS: envVar.positiveInt(50),
      BENCH_GATEWAYS: list(peers.map((g) => g.id).join(',')),
      SUBGRAPH_DELAY_MS: z.coerce.number().int().min(0).default(0),
      BENCH_EXTRA_GATEWAYS: list(''),
      BENCH_CPU_PROF: list(''),
      BENCH_PIN: envVar.flag(true),
    },
    processEnv,
  );
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
      ...peers.filter((g) => env.BENCH_GATEWAYS.includes(g.id)),
      ...env.BENCH_EXTRA_GATEWAYS.filter(Boolean).map((spec): Peer => {
        const [id = '', command = ''] = spec.split(/=(.*)/s);
        const [entry = '', ...nodeArgs] = command.split(' ').filter(Boolean);
        if (!id || !entry) throw new Error(`BENCH_EXTRA_GATEWAYS wants id=entry.ts: ${spec}`);
        return { id, label: id, entry, nodeArgs };
      }),
    ],
    subgraphDelayMs: env.SUBGRAPH_DELAY_MS,
    fanOut: {
      subscribers: env.BENCH_SUBSCRIBERS,
      rounds: env.BENCH_FANOUT_ROUNDS,
      pacedEvents: env.BENCH_FANOUT_PACED_EVENTS,
      ratePerSecond: env.BENCH_FANOUT_RATE,
      burstEvents: env.BENCH_FANOUT_BURST_EVENTS,
    },
    cpuProf: env.BENCH_CPU_PROF,
    gatewayCpus: pin ? (cpuCount === 2 ? '1' : `1-${cpuCount - 1}`) : undefined,
    helperCpus: pin ? '0' : undefined,
  };
}
