import type { Route } from '../platform/httpServer.ts';

/**
 * The status page: each subgraph and its upstream at a glance (up or down, circuit state, p99
 * latency, error rate, cache hit ratio, webhooks and their lag from the vendor's change), and
 * the gateway's open subscriptions, refreshed live. `/status.json` gathers each subgraph's own
 * `/status.json`.
 */
export interface GatewayStatus {
  subscriptions: { clients: number; upstream: number };
}

async function subgraphStatus(name: string, url: string) {
  try {
    const response = await fetch(new URL('/status.json', url), {
      signal: AbortSignal.timeout(1_500),
    });
    if (!response.ok)
      return { subgraph: name, reachable: false, detail: `status ${response.status}` };
    return { reachable: true, ...((await response.json()) as object) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { subgraph: name, reachable: false, detail: cause ?? (error as Error).name };
  }
}

export function statusJsonRoute(
  subgraphs: () => readonly { name: string; url: string }[],
  gateway: () => GatewayStatus,
): Route {
  return async (_req, res) => {
    const body = {
      gateway: gateway(),
      subgraphs: await Promise.all(subgraphs().map(({ name, url }) => subgraphStatus(name, url))),
      at: new Date().toISOString(),
    };
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
}

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>restaurant-graph status</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; }
  th, td { padding: .4rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
  .up { color: #176f2c; font-weight: 600; } .down { color: #b00020; font-weight: 600; }
  .open { color: #b00020; } .half-open { color: #a15c00; }
</style>
</head>
<body>
<h1>restaurant-graph status</h1>
<p id="gateway">loading…</p>
<table>
  <thead><tr><th>subgraph</th><th>subgraph up</th><th>upstream</th><th>circuit</th><th>p99 ms</th>
  <th>error rate</th><th>cache hit ratio</th><th>webhooks (rejected, duplicate)</th>
  <th>webhook lag ms (last, p99)</th></tr></thead>
  <tbody id="subgraphs"></tbody>
</table>
<p><small id="at"></small></p>
<script>
  const pct = (value) => (value === null || value === undefined ? '–' : (value * 100).toFixed(1) + '%');
  const cell = (text, cls) => '<td' + (cls ? ' class="' + cls + '"' : '') + '>' + text + '</td>';
  async function refresh() {
    try {
      const status = await (await fetch('/status.json', { cache: 'no-store' })).json();
      document.getElementById('gateway').textContent =
        'open subscriptions: ' + status.gateway.subscriptions.clients +
        ' (upstream: ' + status.gateway.subscriptions.upstream + ')';
      document.getElementById('subgraphs').innerHTML = status.subgraphs.map((s) => {
        const upstream = s.upstream ?? {};
        const hooks = s.webhooks ?? {};
        return '<tr data-subgraph="' + s.subgraph + '">' +
          cell(s.subgraph) +
          cell(s.reachable ? 'up' : 'down', s.reachable ? 'up' : 'down') +
          cell(upstream.upstream ?? '–', upstream.upstream ?? '') +
          cell(upstream.circuit ?? '–', upstream.circuit ?? '') +
          cell(upstream.p99Ms ?? '–') +
          cell(pct(upstream.errorRate)) +
          cell(pct(s.cache?.hitRatio)) +
          cell((hooks.received ?? 0) + ' (' + (hooks.rejected ?? 0) + ', ' + (hooks.duplicates ?? 0) + ')') +
          cell(hooks.lag?.lastMs == null ? '–' : hooks.lag.lastMs + ' (' + hooks.lag.p99Ms + ')') +
          '</tr>';
      }).join('');
      document.getElementById('at').textContent = 'updated ' + status.at;
    } catch (error) {
      document.getElementById('at').textContent = 'status unavailable: ' + error.message;
    }
  }
  refresh();
  setInterval(refresh, 2000);
</script>
</body>
</html>`;

export function statusPageRoute(): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  };
}
