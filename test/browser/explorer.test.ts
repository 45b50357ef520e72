import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';
import { artifactPath, chromiumAvailable, launchChromium } from './chromium.ts';

const withChromium = chromiumAvailable();

describe.skipIf(!withChromium)('the explorer in headless Chromium', () => {
  const world = createWorld({ seed: 5, now: new Date('2026-11-26T12:00:00Z') });
  const locationId = world.locations[0]?.id ?? '';
  let system: LocalSystem;
  let browser: Browser;
  let page: Page;
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ world });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => console.log(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`[browser error] ${error.message}`));
    // No network but the gateway: every other request is refused and remembered.
    const gateway = new URL(system.gateway.url);
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.host === gateway.host) return route.continue();
      outsideRequests.push(url.href);
      return route.abort();
    });
    await page.goto(system.gateway.url, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container', { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const resultText = () => page.locator('.result-window').textContent();

  async function runTab(name: string): Promise<void> {
    await page.locator('.graphiql-tab', { hasText: name }).first().click();
    await page.locator('.graphiql-execute-button').click();
  }

  it('loads with no network beyond the gateway and runs the example query', async () => {
    await runTab('LocationOverview');
    await expect.poll(resultText, { timeout: 10_000 }).toContain(world.locations[0]?.name ?? '?');
    const text = await resultText();
    const newest = openOrdersNewestFirst(world, locationId)[0];
    expect(text).toContain(newest?.id ?? '?');
    expect(outsideRequests).toEqual([]);
    await page.screenshot({ path: await artifactPath('explorer-query.png') });
  });

  it('runs a subscription over graphql-ws and shows a pushed event', async () => {
    await runTab('OrderChanged');
    await page.screenshot({ path: await artifactPath('explorer-subscription-started.png') });
    const { subscriptions } = system.gateway.subscriptions;
    try {
      await expect.poll(() => subscriptions.subscribers(), { timeout: 10_000 }).toBe(1);
    } catch (error) {
      await page.screenshot({ path: await artifactPath('explorer-subscription-failed.png') });
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    const order = openOrdersNewestFirst(world, locationId)[2];
    await publishOrderEvent(system, order?.id ?? '');
    await expect.poll(resultText, { timeout: 10_000 }).toContain(order?.id ?? '?');
    expect(await resultText()).toContain('"orderChanged"');
    await page.screenshot({ path: await artifactPath('explorer-subscription.png') });
  });
});
