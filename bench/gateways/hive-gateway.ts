/**
 * Hive Gateway (`@graphql-hive/gateway`) over the supergraph file, one worker, served by
 * node:http as its CLI serves it. Configured as the published benchmark runs it
 * (`NODE_ENV=production hive-gateway supergraph supergraph.graphql --jit`), less
 * `inboundInflightRequestDeduplication`: that answers identical concurrent requests with one
 * execution, which on a one-query benchmark measures a response cache, not a gateway, and no
 * other gateway here does it. Its default outbound deduplication of identical in-flight
 * subgraph requests stays on. Like the other peers it passes the client's signed identity
 * headers on to the subgraphs (`propagateHeaders`), which the restaurant subgraphs require.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { useJIT } from '@graphql-mesh/plugin-jit';
import { forwardedHeaders, readPeerSettings } from './peerSettings.ts';

const { host, port, supergraphPath } = readPeerSettings();
const runtime = createGatewayRuntime({
  supergraph: supergraphPath,
  logging: 'warn',
  plugins: () => [useJIT()],
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) =>
      Object.fromEntries(forwardedHeaders.map((name) => [name, request.headers.get(name)])),
  },
});
await runtime.getSchema();
const server = createServer({ maxHeaderSize: 16_384 }, runtime);
await new Promise<void>((resolve) => server.listen(port, host, resolve));
const address = server.address() as AddressInfo;
console.log(`gateway listening at http://${host}:${address.port}${runtime.graphqlEndpoint}`);
const stop = () => {
  server.closeAllConnections();
  server.close();
  Promise.resolve(runtime.dispose()).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
