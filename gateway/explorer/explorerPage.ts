import type { Route } from '../../platform/httpServer.ts';
import { explorerLocationPlaceholder } from './exampleOperations.ts';
import { explorerAssetsPrefix } from './explorerAssets.ts';

/**
 * GraphiQL at `GET /graphql` for browsers: queries over HTTP POST, subscriptions over graphql-ws
 * on the same path, example operations ready in tabs for a location the user's token may see,
 * and a token field (kept in the browser tab's session storage; in development preset with a
 * dev token). A refused token or subscription is said in words at once, never retried.
 */
export interface ExplorerExample {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface ExplorerOptions {
  examples: readonly ExplorerExample[];
  /** Headers preset in the explorer, e.g. a development `authorization`. */
  headers?: Record<string, string>;
}

/** JSON that is safe inside a `<script>` element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function renderExplorer(options: ExplorerOptions): string {
  const tabs = options.examples.map((example) => ({
    query: example.query.trim(),
    variables: JSON.stringify(example.variables ?? {}, null, 2),
  }));
  // A development token preset by the local system fills the token field; in production the
  // user pastes their own.
  const presetToken = /^Bearer\s+(\S+)$/i.exec(options.headers?.authorization ?? '')?.[1] ?? '';
  const assets = explorerAssetsPrefix;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>restaurant-graph explorer</title>
  <link rel="stylesheet" href="${assets}graphiql.css">
  <style>
    html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
    #token-bar { display: flex; gap: 8px; align-items: center; height: 44px; padding: 0 12px; box-sizing: border-box; border-bottom: 1px solid #ddd; }
    #token { flex: 1; max-width: 560px; font-family: monospace; }
    #token-status { color: #b00020; }
    #token-status.ok { color: #1b5e20; }
    #graphiql { height: calc(100% - 44px); }
    #graphiql.waiting { padding: 24px; }
  </style>
</head>
<body>
  <form id="token-bar">
    <label for="token">Bearer token</label>
    <input id="token" name="token" type="password" autocomplete="off" placeholder="paste your token (kept in this tab only)">
    <button type="submit">Use token</button>
    <span id="token-status" role="status"></span>
  </form>
  <div id="graphiql" class="waiting">Paste your token above to explore the graph.</div>
  <script src="${assets}react.js"></script>
  <script src="${assets}react-dom.js"></script>
  <script src="${assets}graphiql.js"></script>
  <script type="module">
    import { createClient } from '${assets}graphql-ws.js';
    const tokenKey = 'restaurant-graph:token';
    const placeholder = ${scriptJson(explorerLocationPlaceholder)};
    const endpoint = new URL('/graphql', location.href);
    const input = document.getElementById('token');
    const status = document.getElementById('token-status');
    const say = (text, ok = false) => {
      status.textContent = text;
      status.className = ok ? 'ok' : '';
    };
    document.getElementById('token-bar').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(tokenKey, input.value.trim().replace(/^Bearer\\s+/i, ''));
      location.reload();
    });
    const token = sessionStorage.getItem(tokenKey) || ${scriptJson(presetToken)};
    input.value = token;

    // Why a socket closed, in words: the gateway's reason ("token expired") and the code.
    const describe = (failure) => {
      if (Array.isArray(failure)) return failure.map((error) => error.message).join('; ');
      if (failure && typeof failure.code === 'number') {
        return (failure.reason || 'the connection closed') + ' (WebSocket close ' + failure.code + ')';
      }
      return failure?.message ?? 'the connection failed';
    };
    let socket;
    let socketHeaders;
    // One socket per set of headers: a tab's own headers get a socket of their own.
    const socketFor = (headers) => {
      const key = JSON.stringify(headers);
      if (socket && socketHeaders === key) return socket;
      socket?.dispose();
      socketHeaders = key;
      socket = createClient({
        url: endpoint.href.replace(/^http/, 'ws'),
        connectionParams: headers,
        retryAttempts: 3,
        // A refusal (44xx: bad or expired token, forbidden) is final: say so at once.
        shouldRetry: (failure) => !(failure && failure.code >= 4400 && failure.code < 4500),
      });
      return socket;
    };
    async function* subscribe(headers, request) {
      try {
        yield* socketFor(headers).iterate(request);
      } catch (failure) {
        socket?.dispose();
        socket = undefined;
        const message = describe(failure);
        say(message);
        yield { errors: [{ message }] };
      }
    }
    // GraphiQL may send the previous tab's operationName for a moment after a tab switch; a
    // name the document does not define is replaced by the document's only operation.
    const operationOf = (query, operationName) => {
      const operations = [...query.matchAll(/(^|[}\\s])(query|mutation|subscription)\\b\\s*(\\w*)/g)];
      const named = operations.find((m) => operationName && m[3] === operationName);
      const chosen = named ?? (operations.length === 1 ? operations[0] : undefined);
      return { kind: chosen?.[2] ?? 'query', name: chosen?.[3] || undefined };
    };
    const post = (headers, request) =>
      fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify(request),
      }).then((response) => response.json());

    async function start() {
      const headers = { authorization: 'Bearer ' + token };
      // The example tabs are for a location this token may see; the answer also tells whether
      // the token is good, in words.
      const answer = await post(headers, { query: 'query ExplorerLocations { locations { id } }' });
      const firstLocation = answer.data?.locations?.[0]?.id;
      if (answer.errors) say(answer.errors[0].message);
      else say('token accepted', true);
      const tabs = ${scriptJson(tabs)}.map((tab) =>
        firstLocation ? { ...tab, variables: tab.variables.replaceAll(placeholder, firstLocation) } : tab,
      );
      const fetcher = (params, options) => {
        const operation = operationOf(params.query, params.operationName);
        const request = { ...params, operationName: operation.name ?? params.operationName };
        const all = { ...headers, ...(options?.headers ?? {}) };
        if (operation.kind === 'subscription') return subscribe(all, request);
        return post(all, request);
      };
      const root = document.getElementById('graphiql');
      root.className = '';
      ReactDOM.createRoot(root).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultTabs: tabs,
          defaultEditorToolsVisibility: true,
          shouldPersistHeaders: false,
        }),
      );
    }
    if (token) start();
  </script>
</body>
</html>`;
}

/** Serves the explorer page; `wantsExplorer` tells the `/graphql` route when to use it. */
export function explorerPageRoute(options: ExplorerOptions): Route {
  const html = renderExplorer(options);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  };
}

/** A browser asking for a page, rather than a GraphQL client sending a GET query. */
export function wantsExplorer(
  method: string | undefined,
  accept: string | undefined,
  url: string | undefined,
): boolean {
  return (
    method === 'GET' &&
    (accept ?? '').includes('text/html') &&
    !new URL(url ?? '/', 'http://x').searchParams.has('query')
  );
}
