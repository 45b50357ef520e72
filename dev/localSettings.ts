import {
  type EmulatorSettings,
  EmulatorSettingsError,
  readEmulatorSettings,
} from '../emulators/settings.ts';
import { readGatewaySettings } from '../gateway/settings.ts';
import type { GatewaySettings } from '../gateway/startGateway.ts';
import { ConfigError } from '../platform/config.ts';
import { readInventorySettings } from '../subgraphs/inventory/start.ts';
import type { SubgraphSettings } from '../subgraphs/kit/subgraphRuntime.ts';
import { readPosSettings } from '../subgraphs/pos/start.ts';
import { readSchedulingSettings } from '../subgraphs/scheduling/start.ts';

/**
 * The settings of every service in the local system, read by the very readers their own entry
 * points use (emulators/main.ts, subgraphs/<name>/main.ts, gateway/main.ts), so a variable set
 * for `npm start` reaches a service just as it would reach that service started alone.
 */
export interface LocalSystemSettings {
  emulators: EmulatorSettings;
  pos: SubgraphSettings;
  inventory: SubgraphSettings;
  scheduling: SubgraphSettings;
  gateway: GatewaySettings;
}

export function readLocalSystemSettings(env: NodeJS.ProcessEnv = process.env): LocalSystemSettings {
  return {
    emulators: readEmulators(env),
    pos: readPosSettings(env),
    inventory: readInventorySettings(env),
    scheduling: readSchedulingSettings(env),
    gateway: readGatewaySettings(env),
  };
}

/** Every port variable at 0: what tests and benchmarks run with (free ports, no clashes). */
export const freePorts: NodeJS.ProcessEnv = {
  GATEWAY_PORT: '0',
  POS_SUBGRAPH_PORT: '0',
  INVENTORY_SUBGRAPH_PORT: '0',
  SCHEDULING_SUBGRAPH_PORT: '0',
  POS_EMULATOR_PORT: '0',
  INVENTORY_EMULATOR_PORT: '0',
  SCHEDULING_EMULATOR_PORT: '0',
};

/** The emulators' reader names bad variables in its own words; here they stop `npm start`. */
function readEmulators(env: NodeJS.ProcessEnv): EmulatorSettings {
  try {
    return readEmulatorSettings(env);
  } catch (error) {
    if (error instanceof EmulatorSettingsError) throw new ConfigError(error.message);
    throw error;
  }
}
