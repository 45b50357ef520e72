import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';

/**
 * The Redis that tests share: REDIS_URL, or the machine's own on 127.0.0.1:6379. Under CI a
 * missing Redis is a failure, never a skip; elsewhere tests that need it are skipped.
 */
export const testRedisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function answersPing(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

export async function redisAvailable(): Promise<boolean> {
  const up = await answersPing(testRedisUrl);
  if (!up && process.env.CI === 'true') {
    throw new Error(`CI=true but Redis does not answer at ${testRedisUrl}`);
  }
  return up;
}

/** A namespace no other test run shares, so runs on one Redis never see each other's keys. */
export function uniqueNamespace(label: string): string {
  return `${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A Redis server of its own on `port` (one that keeps nothing on disk), for a test or bench
 * that stops and restarts it under a running system: `start()` resolves once it answers PING,
 * `kill()` ends it at once (SIGKILL), and both may be called again.
 */
export function ownRedis(port: number): {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
} {
  let server: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 250 && !(await answersPing(url)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async kill() {
      if (!server || server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    },
  };
}
