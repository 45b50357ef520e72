/**
 * `npm run start:emulators`: the Square emulators as standalone servers. Reads and checks
 * the environment once (settings.ts), starts the chosen emulators over one seeded world, prints
 * their URLs and closes them on SIGINT/SIGTERM.
 */
import type { EmulatorHandle } from './http.ts';
import { startInventoryEmulator } from './inventory.ts';
import { startPosEmulator } from './pos.ts';
import { startSchedulingEmulator } from './scheduling.ts';
import { type EmulatorSettings, EmulatorSettingsError, readEmulatorSettings } from './settings.ts';
import { createWorld } from './world.ts';

let settings: EmulatorSettings;
try {
  settings = readEmulatorSettings();
} catch (error) {
  if (!(error instanceof EmulatorSettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const world = createWorld({
  seed: settings.seed,
  ...(settings.clock ? { now: settings.clock } : {}),
});
const common = {
  world,
  host: settings.host,
  token: settings.token,
  latencyMs: settings.latencyMs,
  webhooks: settings.webhooks,
};
const starters = {
  pos: () => startPosEmulator({ ...common, port: settings.ports.pos, faults: settings.faults.pos }),
  inventory: () =>
    startInventoryEmulator({
      ...common,
      port: settings.ports.inventory,
      faults: settings.faults.inventory,
    }),
  scheduling: () =>
    startSchedulingEmulator({
      ...common,
      port: settings.ports.scheduling,
      faults: settings.faults.scheduling,
    }),
};
const handles: EmulatorHandle[] = [];
for (const name of settings.emulators) {
  const handle = await starters[name]();
  handles.push(handle);
  console.log(`${name} emulator listening at ${handle.url}`);
}
console.log(
  `world seed ${world.seed}, anchored at ${world.now.toISOString()}; token ${settings.token}`,
);

const shutdown = async () => {
  await Promise.all(handles.map((handle) => handle.close()));
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
