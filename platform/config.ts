import { z } from 'zod';

/**
 * Environment parsing for entry points: each variable validated once at start, every bad one
 * named in one clear message. Modules below the entry point take plain objects.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables whose values are never echoed. */
const secretName = /(SECRET|TOKEN|KEY|PASSWORD)$/;

export function readEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  // Empty strings count as unset, so `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = z.object(shape).safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const got = env[name];
    // A secret's value never reaches a terminal or a log, even a wrong one.
    const shown = secretName.test(name) ? `${got?.length} characters` : JSON.stringify(got);
    return `  ${name}: ${issue.message}${got === undefined ? '' : ` (got ${shown})`}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export const envVar = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback),
  url: (fallback: string) => z.url().default(fallback),
  optionalUrl: () => z.url().optional(),
  milliseconds: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  /** Milliseconds where 0 means "never" (an interval switched off). */
  millisecondsOrOff: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  optionalString: () => z.string().min(1).optional(),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  string: (fallback: string) => z.string().min(1).default(fallback),
  /**
   * A secret of at least 16 characters. The development fallback lets `npm start` run on one
   * machine; in production the variable must be set, and not to that published fallback.
   */
  secret: (developmentFallback: string, production = process.env.NODE_ENV === 'production') =>
    production
      ? z
          .string('must be set to a secret of at least 16 characters in production')
          .min(16, 'must be set to a secret of at least 16 characters in production')
          .refine((value) => value !== developmentFallback, {
            message: 'is the published development secret; production needs one of its own',
          })
      : z.string().min(16).default(developmentFallback),
  /** A comma-separated list (blanks dropped). */
  list: (fallback: readonly string[]) =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      )
      .default([...fallback]),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
};

/** Runs an entry point's main, printing a configuration error without a stack trace. */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
