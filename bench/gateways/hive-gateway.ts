/**
 * Hive Gateway (`@graphql-hive/gateway`) over the supergraph file, one worker, served by
 * node:http as its CLI serves it. Configured as the published benchmark runs it
 * (`NODE_ENV=production hive-gateway supergraph supergraph.graphql --jit`), less
 * `inboundInflightRequestDeduplication`: that answers identical concurrent requests with one
 * execution, which on a one-query benchmark measures a response cache, not a gateway, and no
 * other gateway here does it. Its default outbound deduplication of identical in-flight
 * subgraph requests stays on. Like the other peers it passes the client's signed identity
 * headers on to the subgraphs (`propagateHeaders`), which the restaurant subgraphs require.
 *
 * Subscriptions: clients speak graphql-ws on the graphql endpoint (`ws://host:port/graphql`),
 * served as the CLI serves it (a `ws` server on the same node:http server running graphql-ws
 * `useServer(getGraphQLWSOptions(runtime, ...))`). Upstream, Hive subscribes over graphql-ws on
 * each subgraph's `/graphql` (the `*.http` transport entry's `subscriptions: { kind: 'ws' }`;
 * by default it would try SSE, which the subgraphs do not serve). A WebSocket client cannot
 * set headers, so it sends the signed identity in `connectionParams` under the two header
 * names, and Hive passes it on where the subgraphs read it: in the upstream `connectionParams`
 * (interpolated from the client's; clients with the same ones share an upstream connection),
 * at the top of the subscribe message's `extensions` (a plugin: Hive's own header propagation
 * puts them only under `extensions.headers`), and as headers on the HTTP entity fetches each
 * event makes (`propagateHeaders` falls back to the connection params). The subgraphs accept
 * a signature up to a minute old when a connection opens and on every HTTP call, so an event
 * arriving more than a minute after the client signed gets `stock` and `onShiftNow` as
 * UNAUTHENTICATED errors.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGatewayRuntime,
  type GatewayPlugin,
  getGraphQLWSOptions,
} from '@graphql-hive/gateway';
import { useJIT } from '@graphql-mesh/plugin-jit';
import { normalizeNodeRequest } from '@whatwg-node/server';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { type Extra, useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { forwardedHeaders, readPeerSettings } from './peerSettings.ts';

/** The graphql-ws `connectionParams` a client sent, on a subscription's context (none over HTTP). */
const connectionParamsOf = (context: unknown): Record<string, unknown> =>
  (context as { connectionParams?: Record<string, unknown> } | undefined)?.connectionParams ?? {};

const stringOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

/** Puts the client's signed identity at the top of the upstream subscribe message's `extensions`. */
const identityInSubscribeExtensions: GatewayPlugin = {
  onSubgraphExecute({ executionRequest, setExecutionRequest }) {
    if (executionRequest.operationType !== 'subscription') return;
    const params = connectionParamsOf(executionRequest.context);
    setExecutionRequest({
      ...executionRequest,
      extensions: {
        ...executionRequest.extensions,
        ...Object.fromEntries(forwardedHeaders.map((name) => [name, params[name]])),
      },
    });
  },
};

const { host, port, supergraphPath } = readPeerSettings();
const runtime = createGatewayRuntime({
  supergraph: supergraphPath,
  logging: 'warn',
  plugins: () => [useJIT(), identityInSubscribeExtensions],
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, context }) =>
      Object.fromEntries(
        forwardedHeaders.map((name) => [
          name,
          request.headers.get(name) ?? stringOrNull(connectionParamsOf(context)[name]),
        ]),
      ),
  },
  transportEntries: {
    '*.http': {
      options: {
        subscriptions: {
          kind: 'ws',
          location: '/graphql',
          options: {
            connectionParams: Object.fromEntries(
              forwardedHeaders.map((name) => [name, `{context.connectionParams.${name}}`]),
            ),
          },
        },
      },
    },
  },
});
await runtime.getSchema();
const server = createServer({ maxHeaderSize: 16_384 }, runtime);
const sockets = new WebSocketServer({ server, path: runtime.graphqlEndpoint });
const subscriptions = serveGraphQLWs(
  getGraphQLWSOptions<Record<string, unknown>, Extra>(runtime, (ctx) => ({
    req: ctx.extra.request,
    socket: ctx.extra.socket,
    request: normalizeNodeRequest(ctx.extra.request, runtime.fetchAPI),
  })),
  sockets,
);
await new Promise<void>((resolve) => server.listen(port, host, resolve));
const address = server.address() as AddressInfo;
console.log(`gateway listening at http://${host}:${address.port}${runtime.graphqlEndpoint}`);
const stop = () => {
  server.closeAllConnections();
  server.close();
  Promise.resolve(subscriptions.dispose())
    .then(() => runtime.dispose())
    .then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
