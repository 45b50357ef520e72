import type { Route } from '../../platform/httpServer.ts';
import { explorerAssetsPrefix } from './explorerAssets.ts';

/**
 * GraphiQL at `GET /graphql` for browsers: queries over HTTP POST, subscriptions over graphql-ws
 * on the same path, example operations ready in tabs, and (in development) headers preset
 * with a dev token.
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
    ...(options.headers ? { headers: JSON.stringify(options.headers, null, 2) } : {}),
  }));
  const assets = explorerAssetsPrefix;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>restaurant-graph explorer</title>
  <link rel="stylesheet" href="${assets}graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the explorer…</div>
  <script src="${assets}react.js"></script>
  <script src="${assets}react-dom.js"></script>
  <script src="${assets}graphiql.js"></script>
  <script type="module">
    import { createClient } from '${assets}graphql-ws.js';
    const tabs = ${scriptJson(tabs)};
    // GraphiQL fetches the schema before any tab's headers apply: preset headers go on every call.
    const presetHeaders = ${scriptJson(options.headers ?? {})};
    const endpoint = new URL('/graphql', location.href);
    let socket;
    let socketHeaders;
    const socketFor = (headers) => {
      const key = JSON.stringify(headers);
      if (!socket || socketHeaders !== key) {
        socket?.dispose();
        socketHeaders = key;
        socket = createClient({
          url: endpoint.href.replace(/^http/, 'ws'),
          connectionParams: headers,
        });
      }
      return socket;
    };
    // GraphiQL may send the previous tab's operationName for a moment after a tab switch; a
    // name the document does not define is replaced by the document's only operation.
    const operationOf = (query, operationName) => {
      const operations = [...query.matchAll(/(^|[}\\s])(query|mutation|subscription)\\b\\s*(\\w*)/g)];
      const named = operations.find((m) => operationName && m[3] === operationName);
      const chosen = named ?? (operations.length === 1 ? operations[0] : undefined);
      return { kind: chosen?.[2] ?? 'query', name: chosen?.[3] || undefined };
    };
    const fetcher = (params, options) => {
      const headers = { ...presetHeaders, ...(options?.headers ?? {}) };
      const operation = operationOf(params.query, params.operationName);
      const request = { ...params, operationName: operation.name ?? params.operationName };
      if (operation.kind === 'subscription') return socketFor(headers).iterate(request);
      return fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(request),
      }).then((response) => response.json());
    };
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: tabs,
        defaultEditorToolsVisibility: true,
        shouldPersistHeaders: false,
      }),
    );
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
