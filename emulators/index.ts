/**
 * Starts the three Square emulators (POS, inventory, scheduling) over one shared world:
 * what tests, benchmarks and the dev launcher import. Ports default to 0 (a free port).
 */
import type { EmulatorHandle } from './http.ts';
import { startInventoryEmulator } from './inventory.ts';
import { startPosEmulator } from './pos.ts';
import { startSchedulingEmulator } from './scheduling.ts';
import { createWorld, type World } from './world.ts';

export type { CallLog, CallRecord } from './call-log.ts';
export type { EmulatorHandle } from './http.ts';
export { startInventoryEmulator } from './inventory.ts';
export { startPosEmulator } from './pos.ts';
export { startSchedulingEmulator } from './scheduling.ts';
export { createWorld, type World, type WorldOptions } from './world.ts';

export const DEFAULT_TOKEN = 'dev-square-token';

export interface EmulatorsOptions {
  world?: World;
  token?: string;
  host?: string;
  ports?: { pos?: number; inventory?: number; scheduling?: number };
  latencyMs?: number;
}

export interface Emulators {
  world: World;
  pos: EmulatorHandle;
  inventory: EmulatorHandle;
  scheduling: EmulatorHandle;
  close(): Promise<void>;
}

export async function startEmulators(options: EmulatorsOptions = {}): Promise<Emulators> {
  const world = options.world ?? createWorld();
  const common = {
    world,
    token: options.token ?? DEFAULT_TOKEN,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  };
  const started = await Promise.allSettled([
    startPosEmulator({ ...common, port: options.ports?.pos ?? 0 }),
    startInventoryEmulator({ ...common, port: options.ports?.inventory ?? 0 }),
    startSchedulingEmulator({ ...common, port: options.ports?.scheduling ?? 0 }),
  ]);
  const handles = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = started.find((result) => result.status === 'rejected');
  const [pos, inventory, scheduling] = handles;
  if (failure || !pos || !inventory || !scheduling) {
    // Close whichever did start, so a port clash leaves nothing listening.
    await Promise.all(handles.map((handle) => handle.close()));
    throw failure?.reason ?? new Error('an emulator failed to start');
  }
  return {
    world,
    pos,
    inventory,
    scheduling,
    close: async () => {
      await Promise.all([pos.close(), inventory.close(), scheduling.close()]);
    },
  };
}
