/**
 * The emulators' environment, read and checked once by whoever starts them: `npm run
 * start:emulators` (main.ts) and `npm start` (dev/launcher.ts). Empty variables count as unset.
 */
import { z } from 'zod';
import type { FaultRule } from './faults.ts';
import { parseFaultsByEmulator } from './faultsAdmin.ts';
import { DEFAULT_TOKEN } from './index.ts';

export const emulatorNames = ['pos', 'inventory', 'scheduling'] as const;
export type EmulatorName = (typeof emulatorNames)[number];

export interface EmulatorSettings {
  /** Which emulators to run (`npm start` runs all three). */
  emulators: EmulatorName[];
  host: string;
  ports: Record<EmulatorName, number>;
  /** The access token every emulator accepts. */
  token: string;
  /** Seed of the demo world. */
  seed: number;
  /** When the demo world is generated as of (EMULATOR_CLOCK); undefined: the current hour. */
  clock?: Date | undefined;
  /** Delay added to every response. */
  latencyMs: number;
  /** Divides Square's webhook retry schedule (1, 2, 4 ... minutes, then hourly for 72 h). */
  webhooks: { timeScale: number };
  /** Fault switches on from the start (faults.ts). */
  faults: Partial<Record<EmulatorName, FaultRule[]>>;
}

/** The variables named with what was wrong with each, one line a variable. */
export class EmulatorSettingsError extends Error {
  override name = 'EmulatorSettingsError';
}

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
  // The instant the demo world is generated as of (ISO 8601); default: the current hour.
  EMULATOR_CLOCK: z.iso.datetime({ offset: true }).optional(),
  EMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  EMULATOR_WEBHOOK_TIME_SCALE: z.coerce.number().positive().default(1),
  // e.g. {"inventory":[{"kind":"error","rate":0.3}]}
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

export function readEmulatorSettings(env: NodeJS.ProcessEnv = process.env): EmulatorSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `invalid ${name}: ${issue.message} (got ${JSON.stringify(env[name])})`;
    });
    throw new EmulatorSettingsError(lines.join('\n'));
  }
  const values = parsed.data;
  return {
    emulators: [...new Set(values.EMULATORS)],
    host: values.EMULATOR_HOST,
    ports: {
      pos: values.POS_EMULATOR_PORT,
      inventory: values.INVENTORY_EMULATOR_PORT,
      scheduling: values.SCHEDULING_EMULATOR_PORT,
    },
    token: values.EMULATOR_TOKEN,
    seed: values.EMULATOR_SEED,
    clock: values.EMULATOR_CLOCK === undefined ? undefined : new Date(values.EMULATOR_CLOCK),
    latencyMs: values.EMULATOR_LATENCY_MS,
    webhooks: { timeScale: values.EMULATOR_WEBHOOK_TIME_SCALE },
    faults: values.EMULATOR_FAULTS,
  };
}
