import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { productionSettings, publishOrderEvent, startTestSystem } from '../system.ts';
import { artifactPath, chromiumAvailable, launchChromium } from './chromium.ts';

// Each test file runs in its own process: this one's services run as a production deployment
// does (its own secrets, INTROSPECTION=analysts by default, no token preset in the explorer).
process.env.NODE_ENV = 'production';

const withChromium = chromiumAvailable();

describe.skipIf(!withChromium)('the explorer in production, in headless Chromium', () => {
  const world = createWorld({ seed: 25, now: new Date('2026-11-26T12:00:00Z') });
  let system: LocalSystem;
  let browser: Browser;
  let firstLocation: string;

  beforeAll(async () => {
    system = await startTestSystem({
      world,
      settings: productionSettings(),
    });
    browser = await launchChromium();
    const { body } = await postGraphQL<{ locations: { id: string }[] }>(
      system.gateway.url,
      '{ locations { id } }',
    );
    firstLocation = body.data?.locations[0]?.id ?? '';
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** A fresh tab (its own session storage) on the explorer, signed in with `token`. */
  async function openWith(token: string): Promise<{ page: Page; sockets: string[] }> {
    const page = await (await browser.newContext()).newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('pageerror', (error) => console.log(`[browser error] ${error.message}`));
    await page.goto(system.gateway.url, { waitUntil: 'load' });
    await expect.poll(() => page.locator('#graphiql').textContent()).toContain('Paste your token');
    await page.fill('#token', token);
    await page.click('#token-bar button[type=submit]');
    await page.waitForSelector('.graphiql-container', { timeout: 15_000 });
    return { page, sockets };
  }

  const resultText = (page: Page) => page.locator('.result-window').textContent();

  async function runTab(page: Page, name: string): Promise<void> {
    await page.locator('.graphiql-tab', { hasText: name }).first().click();
    await page.locator('.graphiql-execute-button').click();
  }

  it('an analyst pastes a token, reads the Docs, and runs the README query and a subscription', async () => {
    const { page } = await openWith(await system.mintToken('analyst', ['*']));
    await expect.poll(() => page.locator('#token-status').textContent()).toBe('token accepted');
    // Docs: introspection works for analysts in production.
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').textContent(), { timeout: 10_000 })
      .toContain('Root Types');
    // The example tabs open with a location the token may see.
    await page.locator('.graphiql-tab', { hasText: 'LocationOverview' }).first().click();
    await expect
      .poll(() => page.locator('.graphiql-editor-tool .graphiql-editor').first().textContent())
      .toContain(firstLocation);
    await runTab(page, 'LocationOverview');
    const name = world.locations.find((l) => l.id === firstLocation)?.name ?? '?';
    await expect.poll(() => resultText(page), { timeout: 10_000 }).toContain(name);

    await runTab(page, 'OrderChanged');
    await expect
      .poll(() => system.gateway.subscriptions.subscriptions.establishedUpstreams(), {
        timeout: 10_000,
      })
      .toBe(1);
    const order = openOrdersNewestFirst(world, firstLocation)[0];
    await publishOrderEvent(system, order?.id ?? '');
    await expect.poll(() => resultText(page), { timeout: 10_000 }).toContain(order?.id ?? '?');
    await page.screenshot({ path: await artifactPath('explorer-production-analyst.png') });
    await page.close();
  });

  it('staff are refused introspection, with the reason in words', async () => {
    const { page } = await openWith(await system.mintToken('staff', ['*']));
    await expect
      .poll(() => page.locator('body').textContent(), { timeout: 10_000 })
      .toContain('introspection is only for analysts here');
    await page.screenshot({ path: await artifactPath('explorer-production-staff.png') });
    await page.close();
  });

  it('an expired token is said at once, for queries and subscriptions alike, with no retry loop', async () => {
    const expired = await system.mintToken('analyst', ['*'], '1s');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { page, sockets } = await openWith(expired);
    await expect.poll(() => page.locator('#token-status').textContent()).toBe('token expired');
    const started = Date.now();
    await runTab(page, 'OrderChanged');
    await expect
      .poll(() => resultText(page), { timeout: 5_000 })
      .toContain('token expired (WebSocket close 4403)');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sockets).toHaveLength(1);
    await page.close();
  });
});
