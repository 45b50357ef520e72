import { createConnection } from 'node:net';
import type { Route } from '../../platform/httpServer.ts';
import type { SubgraphRuntime } from './subgraphRuntime.ts';

/**
 * A subgraph's readiness and status. Readiness checks what it depends on without calling the
 * vendor's API (which is billed and rate limited): the vendor's host accepts a connection, and
 * Redis answers PING when one is configured. Status adds what the gateway's status page shows.
 */
async function dial(url: string, probe?: { send: string; expect: string }, timeoutMs = 1_000) {
  const { hostname, port, protocol } = new URL(url);
  const defaultPort = protocol === 'https:' ? 443 : protocol === 'redis:' ? 6379 : 80;
  return new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => (probe ? socket.write(probe.send) : done(true)));
    socket.once('data', (data) => done(probe ? data.toString().startsWith(probe.expect) : true));
  });
}

export interface ReadinessTargets {
  upstreamUrl: string;
  redisUrl?: string | undefined;
}

export async function checkReadiness(targets: ReadinessTargets) {
  const [upstream, redis] = await Promise.all([
    dial(targets.upstreamUrl),
    targets.redisUrl ? dial(targets.redisUrl, { send: 'PING\r\n', expect: '+PONG' }) : undefined,
  ]);
  const checks = {
    upstream: upstream ? 'up' : 'down',
    ...(redis === undefined ? {} : { redis: redis ? 'up' : 'down' }),
  };
  return { ready: upstream && redis !== false, checks };
}

export function readinessRoute(name: string, targets: ReadinessTargets): Route {
  return async (_req, res) => {
    const { ready, checks } = await checkReadiness(targets);
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', subgraph: name, ...checks }));
  };
}

/** What the gateway's status page shows for this subgraph and its upstream. */
export function statusRoute(
  name: string,
  runtime: SubgraphRuntime,
  targets: ReadinessTargets,
): Route {
  return async (_req, res) => {
    const { checks } = await checkReadiness(targets);
    const { counters } = runtime;
    const lookups = counters.get('cache_lookups', { tier: 'l1' });
    const hits =
      counters.get('cache_lookups', { tier: 'l1', result: 'hit' }) +
      counters.get('cache_lookups', { tier: 'l2', result: 'hit' });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(
      JSON.stringify({
        subgraph: name,
        upstream: { ...checks, circuit: runtime.http.circuit(), ...runtime.calls.summary() },
        cache: { lookups, hitRatio: lookups === 0 ? null : hits / lookups },
        webhooks: {
          received: counters.get('webhooks_received'),
          rejected: counters.get('webhooks_received', { result: 'bad_signature' }),
          duplicates: counters.get('webhooks_received', { result: 'duplicate' }),
          lag: runtime.webhookLag.summary(),
        },
      }),
    );
  };
}
