import type { Route } from '../platform/httpServer.ts';
import type { SupergraphState } from './supergraph/supergraphOwner.ts';

/**
 * `/healthz`: the process answers. `/readyz`: the supergraph is loaded and every subgraph
 * answers its own readiness within a second; 503 with the failing subgraphs otherwise, so a
 * load balancer stops sending traffic to a gateway that cannot answer fully.
 */
export interface SubgraphHealth {
  name: string;
  status: 'up' | 'down';
  detail?: string;
}

export async function checkSubgraphs(
  subgraphs: readonly { name: string; url: string }[],
  timeoutMs = 1_000,
): Promise<SubgraphHealth[]> {
  return Promise.all(
    subgraphs.map(async ({ name, url }) => {
      try {
        // The subgraph's readiness, not just its liveness: its vendor's host and its Redis.
        const response = await fetch(new URL('/readyz', url), {
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        if (response.ok) return { name, status: 'up' as const };
        const down = Object.entries(body)
          .filter(([, value]) => value === 'down')
          .map(([check]) => `${check} down`);
        return {
          name,
          status: 'down' as const,
          detail: down.length > 0 ? down.join(', ') : `readyz answered ${response.status}`,
        };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        return { name, status: 'down' as const, detail: cause ?? (error as Error).name };
      }
    }),
  );
}

export function healthRoute(): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok' }));
  };
}

export function readinessRoute(state: () => SupergraphState): Route {
  return async (_req, res) => {
    const current = state();
    const checks =
      current.phase === 'loaded' ? await checkSubgraphs(current.supergraph.subgraphs) : [];
    const ready = current.phase === 'loaded' && checks.every((check) => check.status === 'up');
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: ready ? 'ready' : 'not ready',
        supergraph: current.phase,
        ...(current.phase === 'loaded' ? { supergraphId: current.supergraph.id } : {}),
        subgraphs: checks,
      }),
    );
  };
}
