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
