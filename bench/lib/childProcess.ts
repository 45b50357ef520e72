import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark service (subgraphs or one gateway) as its own Node process, so the processes do
 * not share an event loop and each one's peak memory can be read from /proc.
 */
export interface ChildService {
  child: ChildProcess;
  pid: number;
  /** The first match of the ready pattern in what it printed. */
  ready: RegExpMatchArray;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** Resident set size now (VmRSS), in bytes. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** CPUs to pin the process to (taskset list syntax, e.g. `1`), or all when undefined. */
  cpus?: string;
  /** Printed once the service listens; its first capture is usually the URL. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

// Whatever way the harness ends, the services it started end with it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startChild(entry: string, options: ChildOptions): Promise<ChildService> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  if (options.cpus !== undefined && child.pid !== undefined) pinToCpus(child.pid, options.cpus);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`no ${options.readyPattern} within ${options.timeoutMs ?? 60_000} ms`),
      options.timeoutMs ?? 60_000,
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${entry}: ${why}; output:\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Keep only the tail: a service that logs forever must not grow this string.
      if (output.length > 20_000) output = output.slice(-10_000);
      const ready = output.match(options.readyPattern);
      if (!ready || child.pid === undefined) return;
      clearTimeout(timer);
      // From here on its output (a gateway may log every request) is drained and dropped, so a
      // full pipe never stalls the service.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const pid = child.pid;
      resolve({
        child,
        pid,
        ready,
        peakRssBytes: () => readRss(pid, 'VmHWM'),
        rssBytes: () => readRss(pid, 'VmRSS'),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', onData);
    // Errors stay visible on the harness's stderr, after the service is up as well.
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
  });
}

/**
 * Pins every thread of a running process to the given CPUs (threads it starts later inherit
 * the mask), as the published benchmark pins the load generator and the gateway apart.
 */
export function pinToCpus(pid: number, cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cpus, String(pid)], {
    stdio: 'ignore',
  });
}

function readRss(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'))?.[1];
  if (!kib) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}
