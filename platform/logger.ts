import { type Logger, pino } from 'pino';

/**
 * Structured JSON logs (pino), one line per request with its request id. Credentials never
 * reach a log: every header or field that can carry one is redacted wherever it appears.
 */
export type { Logger };

export const redactedPaths = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'secret',
  '*.secret',
  '*.signatureKey',
  'headers["x-gateway-signature"]',
  'headers["x-square-hmacsha256-signature"]',
];

export function createLogger(
  service: string,
  level = defaultLevel(),
  destination?: { write(line: string): void },
): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** LOG_LEVEL, else `info`; test runs stay quiet unless LOG_LEVEL says otherwise. */
function defaultLevel(): string {
  return process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
}
