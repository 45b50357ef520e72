/**
 * `npm run start:emulators`: the Square emulators as standalone servers. Reads and checks
 * the environment once, starts the chosen emulators over one seeded world, prints their URLs
 * and closes them on SIGINT/SIGTERM.
 */
import { z } from 'zod';
import { parseFaultsByEmulator } from './faultsAdmin.ts';
import type { EmulatorHandle } from './http.ts';
import { DEFAULT_TOKEN } from './index.ts';
import { startInventoryEmulator } from './inventory.ts';
import { startPosEmulator } from './pos.ts';
import { startSchedulingEmulator } from './scheduling.ts';
import { createWorld } from './world.ts';

const emulatorNames = ['pos', 'inventory', 'scheduling'] as const;
const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const environment = z.object({
  EMULATORS: z
    .string()
    .default('all')
    .transform((value) =>
      (value.trim() === 'all' ? emulatorNames.join(',') : value)
        .split(',')
        .map((name) => name.trim()),
    )
    .pipe(z.array(z.enum(emulatorNames)).min(1)),
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  POS_EMULATOR_PORT: port(4101),
  INVENTORY_EMULATOR_PORT: port(4102),
  SCHEDULING_EMULATOR_PORT: port(4103),
  EMULATOR_TOKEN: z.string().min(1).default(DEFAULT_TOKEN),
  EMULATOR_SEED: z.coerce.number().int().min(0).max(4_294_967_295).default(1),
  EMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  // Divides Square's webhook retry schedule (1, 2, 4 ... minutes, then hourly for 72 h).
  EMULATOR_WEBHOOK_TIME_SCALE: z.coerce.number().positive().default(1),
  // Fault switches from the start, e.g. {"inventory":[{"kind":"error","rate":0.3}]} (faults.ts).
  EMULATOR_FAULTS: z
    .string()
    .default('{}')
    .transform((json, context) => {
      try {
        return parseFaultsByEmulator(json);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
});

// Empty variables count as unset, so `EMULATOR_SEED= npm run start:emulators` uses the default.
const present = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
const parsed = environment.safeParse(present);
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0]);
    console.error(`invalid ${name}: ${issue.message} (got ${JSON.stringify(process.env[name])})`);
  }
  process.exit(1);
}
const env = parsed.data;

const world = createWorld({ seed: env.EMULATOR_SEED });
const common = {
  world,
  host: env.EMULATOR_HOST,
  token: env.EMULATOR_TOKEN,
  latencyMs: env.EMULATOR_LATENCY_MS,
  webhooks: { timeScale: env.EMULATOR_WEBHOOK_TIME_SCALE },
};
const starters = {
  pos: () =>
    startPosEmulator({ ...common, port: env.POS_EMULATOR_PORT, faults: env.EMULATOR_FAULTS.pos }),
  inventory: () =>
    startInventoryEmulator({
      ...common,
      port: env.INVENTORY_EMULATOR_PORT,
      faults: env.EMULATOR_FAULTS.inventory,
    }),
  scheduling: () =>
    startSchedulingEmulator({
      ...common,
      port: env.SCHEDULING_EMULATOR_PORT,
      faults: env.EMULATOR_FAULTS.scheduling,
    }),
};
const handles: EmulatorHandle[] = [];
for (const name of new Set(env.EMULATORS)) {
  const handle = await starters[name]();
  handles.push(handle);
  console.log(`${name} emulator listening at ${handle.url}`);
}
console.log(
  `world seed ${world.seed}, anchored at ${world.now.toISOString()}; token ${env.EMULATOR_TOKEN}`,
);

const shutdown = async () => {
  await Promise.all(handles.map((handle) => handle.close()));
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
