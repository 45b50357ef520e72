/**
 * OUR gateway, started as `npm run start:gateway` starts it (its settings read the same way,
 * then startGateway), over the supergraph at SUPERGRAPH_PATH with the routing URLs written in it.
 */
import { readGatewaySettings } from '../../gateway/settings.ts';
import { startGateway } from '../../gateway/startGateway.ts';
import { closeOnSignal } from '../../subgraphs/kit/httpServer.ts';
import { readPeerSettings } from './peerSettings.ts';

const { host, port, supergraphPath } = readPeerSettings();
// Only these variables: subgraph URL overrides from the caller's environment must not apply.
const settings = readGatewaySettings({
  HOST: host,
  GATEWAY_PORT: String(port),
  SUPERGRAPH_PATH: supergraphPath,
});
const gateway = await startGateway(settings);
console.log(`gateway listening at ${gateway.url}`);
closeOnSignal(gateway);
