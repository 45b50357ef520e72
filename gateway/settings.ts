import { fileURLToPath } from 'node:url';
import { envVar, readEnv } from '../subgraphs/kit/config.ts';
import { exampleOperations } from './explorer/exampleOperations.ts';
import type { GatewaySettings } from './startGateway.ts';

export const defaultSupergraphPath = fileURLToPath(
  new URL('../schema/supergraph.graphql', import.meta.url),
);

/**
 * The gateway's environment: HOST, GATEWAY_PORT, SUPERGRAPH_PATH, MAX_BODY_BYTES,
 * EXPLORER_LOCATION_ID (the location the explorer's example tabs use), and
 * POS_SUBGRAPH_URL / INVENTORY_SUBGRAPH_URL / SCHEDULING_SUBGRAPH_URL to route elsewhere than
 * the supergraph's routing URLs.
 */
export function readGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const values = readEnv(
    {
      HOST: envVar.string('127.0.0.1'),
      GATEWAY_PORT: envVar.port(4000),
      SUPERGRAPH_PATH: envVar.string(defaultSupergraphPath),
      MAX_BODY_BYTES: envVar.positiveInt(1024 * 1024),
      EXPLORER_LOCATION_ID: envVar.string('<a location id>'),
      POS_SUBGRAPH_URL: envVar.optionalUrl(),
      INVENTORY_SUBGRAPH_URL: envVar.optionalUrl(),
      SCHEDULING_SUBGRAPH_URL: envVar.optionalUrl(),
    },
    env,
  );
  return {
    host: values.HOST,
    port: values.GATEWAY_PORT,
    supergraphPath: values.SUPERGRAPH_PATH,
    maxBodyBytes: values.MAX_BODY_BYTES,
    explorer: { examples: exampleOperations(values.EXPLORER_LOCATION_ID) },
    subgraphUrls: {
      pos: values.POS_SUBGRAPH_URL,
      inventory: values.INVENTORY_SUBGRAPH_URL,
      scheduling: values.SCHEDULING_SUBGRAPH_URL,
    },
  };
}
