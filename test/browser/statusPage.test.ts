import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { DEFAULT_TOKEN } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';
import { squareClient } from '../emulators/square-client.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { startTestSystem } from '../system.ts';
import { artifactPath, chromiumAvailable, launchChromium } from './chromium.ts';

const withChromium = chromiumAvailable();

describe.skipIf(!withChromium)('the status page in headless Chromium', () => {
  const world = createWorld({ seed: 37, now: new Date('2026-11-26T12:00:00Z') });
  let system: LocalSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startTestSystem({ world });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    // The inventory emulator is switched off by the test; closing it again is expected to fail.
    await system?.close().catch(() => undefined);
  });

  it("shows a subgraph's webhook lag (last, p99 in ms) once a webhook was applied", async () => {
    const page = await browser.newPage();
    await page.goto(new URL('/status', system.gateway.url).href);
    const lagOf = (name: string) => page.locator(`tr[data-subgraph="${name}"] td:nth-child(9)`);
    await expect.poll(() => lagOf('pos').textContent(), { timeout: 10_000 }).toBe('–');
    const locationId = world.locations[0]?.id ?? '';
    const order = openOrdersNewestFirst(world, locationId)[0];
    const pos = squareClient(system.emulators.pos.url, DEFAULT_TOKEN);
    const { status } = await pos.put(`/v2/orders/${order?.id}`, {
      idempotency_key: crypto.randomUUID(),
      order: { version: order?.version, ticket_name: 'Status page' },
    });
    expect(status).toBe(200);
    // The world's clock is not the real one here, so the value itself is not asserted.
    await expect
      .poll(() => lagOf('pos').textContent(), { timeout: 10_000 })
      .toMatch(/^\d+(\.\d)? \(\d+(\.\d)?\)$/);
    expect(await lagOf('inventory').textContent()).toBe('–');
    await page.close();
  });

  it('shows every upstream up, then inventory down while its vendor is switched off', async () => {
    const page = await browser.newPage();
    await page.goto(new URL('/status', system.gateway.url).href);
    const upstreamOf = (name: string) =>
      page.locator(`tr[data-subgraph="${name}"] td:nth-child(3)`);
    await expect.poll(() => upstreamOf('inventory').textContent(), { timeout: 10_000 }).toBe('up');
    expect(await upstreamOf('pos').textContent()).toBe('up');
    await page.screenshot({ path: await artifactPath('status-all-up.png') });

    await system.emulators.inventory.close();
    await expect
      .poll(() => upstreamOf('inventory').textContent(), { timeout: 10_000 })
      .toBe('down');
    expect(await upstreamOf('pos').textContent()).toBe('up');
    expect(await page.locator('tr[data-subgraph="inventory"] td:nth-child(2)').textContent()).toBe(
      'up',
    );
    await page.screenshot({ path: await artifactPath('status-inventory-down.png') });
  });
});
