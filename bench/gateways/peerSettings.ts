import { envVar, readEnv } from '../../platform/config.ts';
import { IDENTITY_HEADER, SIGNATURE_HEADER } from '../../platform/gatewayTrust.ts';

/**
 * What every gateway start script takes, so all run alike: HOST (127.0.0.1), PORT (0, a free
 * one) and SUPERGRAPH_PATH, the supergraph file with the routing URLs of the running subgraphs.
 */
export function readPeerSettings(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(
    {
      HOST: envVar.string('127.0.0.1'),
      PORT: envVar.port(0),
      SUPERGRAPH_PATH: envVar.string(''),
    },
    env,
  );
  if (!values.SUPERGRAPH_PATH) throw new Error('SUPERGRAPH_PATH must name a supergraph file');
  return { host: values.HOST, port: values.PORT, supergraphPath: values.SUPERGRAPH_PATH };
}

/**
 * The request headers the peers pass on to every subgraph: the signed caller identity the
 * restaurant subgraphs require (bench/lib/benchIdentity.ts says why).
 */
export const forwardedHeaders = [IDENTITY_HEADER, SIGNATURE_HEADER];
