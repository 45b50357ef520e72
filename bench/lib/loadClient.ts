import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinToCpus } from './childProcess.ts';

/** One autocannon run: fixed concurrency for a fixed time against one URL. */
export interface LoadRequest {
  url: string;
  /** POST bodies, sent in turn on each connection. */
  bodies: string[];
  /** Request headers besides `content-type`. */
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  /** When given, each response must equal it as JSON, or it counts as a mismatch. */
  expectedJson?: string;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  /** Answers that differ from the expected response. */
  mismatches: number;
  firstMismatch?: string;
}

export interface LoadGenerator {
  pid: number;
  run(request: LoadRequest): Promise<LoadResult>;
  close(): Promise<void>;
}

const entry = fileURLToPath(new URL('./loadGenerator.ts', import.meta.url));

/** Forks the load generator process, pinned to `cpus` if given; runs go to it one at a time. */
export function startLoadGenerator(cpus?: string): LoadGenerator {
  const child: ChildProcess = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (cpus !== undefined && child.pid !== undefined) pinToCpus(child.pid, cpus);
  process.once('exit', () => child.kill('SIGKILL'));
  const pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.result) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`load generator: ${message.error}`));
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`load generator exited (${code})`));
    }
    pending.clear();
  });
  return {
    pid: child.pid ?? -1,
    run(request) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, request });
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
