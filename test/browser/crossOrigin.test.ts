import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, readLocalSystemSettings } from '../../dev/localSettings.ts';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { startTestSystem } from '../system.ts';
import { chromiumAvailable, launchChromium } from './chromium.ts';

/**
 * A browser app served from another origin calls the gateway as a real page does: fetch with a
 * bearer token (a CORS preflight first) and a graphql-ws socket. The origin on CORS_ORIGINS
 * gets answers; another is refused by the browser's own CORS check and at the socket upgrade.
 */
const withChromium = chromiumAvailable();

async function appServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>app</title><p>a restaurant app</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface PageOutcome {
  http: string;
  socket: string;
}

/** From the app's page: one query over fetch and one graphql-ws handshake. */
function callFromPage(page: Page, gateway: string, token: string): Promise<PageOutcome> {
  return page.evaluate(
    async ({ gateway, token }) => {
      let http: string;
      try {
        const response = await fetch(gateway, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ locations { id } }' }),
        });
        http = `${response.status} ${response.headers.get('x-request-id') ? 'with' : 'without'} request id ${JSON.stringify(await response.json()).slice(0, 40)}`;
      } catch (error) {
        http = `refused: ${(error as Error).name}`;
      }
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(gateway.replace(/^http/, 'ws'), 'graphql-transport-ws');
        ws.onopen = () =>
          ws.send(
            JSON.stringify({
              type: 'connection_init',
              payload: { authorization: `Bearer ${token}` },
            }),
          );
        ws.onmessage = (event) => {
          resolve(JSON.parse(String(event.data)).type);
          ws.close();
        };
        ws.onclose = (event) => resolve(`closed ${event.code}`);
      });
      return { http, socket };
    },
    { gateway, token },
  );
}

describe.skipIf(!withChromium)('a browser app on another origin', () => {
  const world = createWorld({ seed: 26, now: new Date('2026-11-26T12:00:00Z') });
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let system: LocalSystem;
  let browser: Browser;

  beforeAll(async () => {
    allowed = await appServer();
    other = await appServer();
    system = await startTestSystem({
      world,
      settings: readLocalSystemSettings({ ...freePorts, CORS_ORIGINS: allowed.origin }),
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    allowed?.server.close();
    other?.server.close();
  });

  it('on CORS_ORIGINS: queries with a token and opens a graphql-ws socket', async () => {
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const outcome = await callFromPage(page, system.gateway.url, system.devTokens.manager);
    expect(outcome).toEqual({
      http: `200 with request id ${JSON.stringify({ data: { locations: [{ id: world.locations[0]?.id }] } }).slice(0, 40)}`,
      socket: 'connection_ack',
    });
    await page.close();
  });

  it('on another origin: the browser refuses the call, the gateway the socket', async () => {
    const page = await browser.newPage();
    await page.goto(other.origin);
    const outcome = await callFromPage(page, system.gateway.url, system.devTokens.manager);
    expect(outcome).toEqual({ http: 'refused: TypeError', socket: 'closed 1006' });
    await page.close();
  });
});
