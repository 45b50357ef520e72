import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { startTestSystem } from '../system.ts';

/**
 * A client gone without closing its socket (a phone that lost its signal) answers no ping: the
 * gateway ends it within two ping intervals (here 250 ms), with its subscription and upstream,
 * while a client that answers stays.
 */
const world = createWorld({ seed: 59, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world, websocket: { pingIntervalMs: 250 } });
});
afterAll(async () => {
  await system?.close();
});

/** A raw graphql-ws client subscribed to one location's orders (variables make it unshared). */
async function subscriber(orders: number): Promise<WebSocket> {
  const socket = new WebSocket(system.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise((resolve) => socket.once('open', resolve));
  socket.on('message', (data) => {
    if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: orderChangedSubscription, variables: { locationId, orders } },
      }),
    );
  });
  socket.send(
    JSON.stringify({
      type: 'connection_init',
      payload: { authorization: `Bearer ${system.devTokens.manager}` },
    }),
  );
  return socket;
}

describe('graphql-ws heartbeat', () => {
  it('ends a socket that stopped answering pings, its subscription and upstream; keeps one that answers', async () => {
    const { subscriptions } = system.gateway.subscriptions;
    const live = await subscriber(1);
    const gone = await subscriber(2);
    await expect.poll(() => subscriptions.openUpstreams()).toBe(2);

    // Reading nothing more, the client can no longer answer pings: as if its network vanished.
    gone.pause();
    const goneClosed = new Promise((resolve) => gone.once('close', resolve));
    await expect
      .poll(() => system.gateway.counters.get('dead_sockets_terminated'), { timeout: 3_000 })
      .toBe(1);
    expect(subscriptions.subscribers()).toBe(1);
    expect(subscriptions.openUpstreams()).toBe(1);

    // The one that answers is still there several intervals later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(live.readyState).toBe(WebSocket.OPEN);
    expect(system.gateway.counters.get('dead_sockets_terminated')).toBe(1);
    live.close();
    gone.resume();
    await goneClosed;
  });
});
