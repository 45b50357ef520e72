import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Under CI a missing
 * Chromium is a failure; elsewhere the browser tests are skipped.
 */
export const chromiumPath = '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  const present = existsSync(chromiumPath);
  if (!present && process.env.CI === 'true') {
    throw new Error(`CI=true but ${chromiumPath} is missing (apt-get install -y chromium)`);
  }
  return present;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic'],
  });
}

/** Screenshots are kept as test artifacts here. */
export async function artifactPath(name: string): Promise<string> {
  const dir = fileURLToPath(new URL('../artifacts/', import.meta.url));
  await mkdir(dir, { recursive: true });
  return `${dir}${name}`;
}
