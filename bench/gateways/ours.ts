/**
 * OUR gateway, started as `npm run start:gateway` starts it (its settings read the same way,
 * then startGateway), over the supergraph at SUPERGRAPH_PATH with the routing URLs written in
 * it. It authenticates callers and signs their identity onto subgraph calls with the
 * benchmark's secrets (JWT_SECRET, GATEWAY_SHARED_SECRET); a workload may raise its request
 * limits (MAX_DEPTH, MAX_ALIASES, MAX_COST, DEFAULT_LIST_SIZE) for the query it sends, and the
 * subscription benchmarks the sockets one address may hold (WS_MAX_CONNECTIONS_PER_CLIENT).
 */
import { readGatewaySettings } from '../../gateway/settings.ts';
import { startGateway } from '../../gateway/startGateway.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { readPeerSettings } from './peerSettings.ts';

const passedOn = [
  'NODE_ENV',
  'JWT_SECRET',
  'GATEWAY_SHARED_SECRET',
  'MAX_DEPTH',
  'MAX_ALIASES',
  'MAX_COST',
  'DEFAULT_LIST_SIZE',
  'WS_MAX_CONNECTIONS_PER_CLIENT',
];

const { host, port, supergraphPath } = readPeerSettings();
// Only these variables: subgraph URL overrides from the caller's environment must not apply.
const settings = readGatewaySettings({
  ...Object.fromEntries(passedOn.map((name) => [name, process.env[name]])),
  HOST: host,
  GATEWAY_PORT: String(port),
  SUPERGRAPH_PATH: supergraphPath,
});
const gateway = await startGateway(settings);
console.log(`gateway listening at ${gateway.url}`);
closeOnSignal(gateway);
