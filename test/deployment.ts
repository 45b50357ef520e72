import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { sample } from './prometheus.ts';

/**
 * Helpers for tests that run the services as separate processes: vendor writes at the POS
 * emulator, webhooks delivered as Square signs them, and readiness read off `/metrics`.
 */

/** Moves the order one version on at the vendor and returns its new state. */
export async function bumpOrder(
  posApi: string,
  orderId: string,
  token = 'dev-square-token',
): Promise<{ id: string; version: number; location_id: string }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const current = (await (await fetch(`${posApi}/v2/orders/${orderId}`, { headers })).json()) as {
    order: { version: number };
  };
  const response = await fetch(`${posApi}/v2/orders/${orderId}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({
      idempotency_key: crypto.randomUUID(),
      order: { version: current.order.version, ticket_name: `v${current.order.version + 1}` },
    }),
  });
  return (
    (await response.json()) as { order: { id: string; version: number; location_id: string } }
  ).order;
}

/** Delivers a webhook to one subgraph instance, signed over the notification URL Square knows. */
export async function deliverWebhook(
  instanceGraphqlUrl: string,
  event: unknown,
  signing: { key: string; notificationUrl: string },
): Promise<unknown> {
  const body = JSON.stringify(event);
  const signature = createHmac('sha256', signing.key)
    .update(signing.notificationUrl + body)
    .digest('base64');
  const response = await fetch(new URL('/webhooks/square', instanceGraphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
    body,
  });
  return response.json();
}

/** Waits until the gateway holds `upstreams` or more upstream subscriptions, every one live. */
export async function untilUpstreamsLive(gatewayUrl: string, upstreams = 1): Promise<void> {
  const allLive = async () => {
    const scrape = await (await fetch(new URL('/metrics', gatewayUrl))).text();
    const open = sample(scrape, 'upstream_subscriptions_open') ?? 0;
    return open >= upstreams && sample(scrape, 'upstream_subscriptions_live') === open;
  };
  await expect.poll(allLive, { timeout: 10_000, interval: 20 }).toBe(true);
}

/** A TCP port nothing listens on now, for a service that must come back at the same address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
