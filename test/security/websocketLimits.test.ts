import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { maskInternalErrors } from '../../platform/errors.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem({
    world: createWorld({ seed: 47, now: new Date('2026-11-26T12:00:00Z') }),
    websocket: { maxMessageBytes: 4096, maxConnectionsPerClient: 2 },
  });
});
afterAll(async () => {
  await system?.close();
});

/** Opens a raw graphql-ws socket and resolves with how it closed. */
function closeOf(send?: string): Promise<{ code: number; opened: WebSocket }> {
  const socket = new WebSocket(system.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  return new Promise((resolve) => {
    socket.once('open', () => {
      if (send) socket.send(send);
    });
    socket.once('close', (code) => resolve({ code, opened: socket }));
  });
}

describe('graphql-ws limits', () => {
  it('a message over the size limit closes the socket with 1009', async () => {
    const { code } = await closeOf(
      JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(5000) } }),
    );
    expect(code).toBe(1009);
  });

  it('a client address past its connection limit is closed with 1008; the others stay open', async () => {
    const url = system.gateway.url.replace(/^http/, 'ws');
    const open = (): Promise<WebSocket> =>
      new Promise((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        socket.once('open', () => resolve(socket));
      });
    const [first, second] = [await open(), await open()];
    const third = await closeOf();
    expect(third.code).toBe(1008);
    expect([first.readyState, second.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    first.close();
    second.close();
  });
});

describe('internal errors in production', () => {
  it('an unexpected error reaches the client without its message; classified ones keep theirs, an upstream’s failure only its code and upstream', () => {
    const mask = maskInternalErrors(true);
    expect(mask({ message: 'Cannot read properties of undefined (reading "token")' })).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const typed = { message: 'Order not found: O1', extensions: { code: 'NOT_FOUND' } };
    expect(mask(typed)).toBe(typed);
    // An upstream's failure keeps its code and upstream, not its endpoint or the vendor's words.
    expect(
      mask({
        message: 'pos POST /v2/orders/search: INTERNAL_SERVER_ERROR: boom',
        extensions: {
          code: 'UPSTREAM_UNAVAILABLE',
          upstream: 'pos',
          endpoint: 'POST /v2/orders/search',
          status: 500,
        },
      }),
    ).toEqual({
      message: 'pos: vendor API is unavailable',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'pos' },
    });
    expect(maskInternalErrors(false)({ message: 'detail' })).toEqual({ message: 'detail' });
  });
});

describe('subscriptions per socket', () => {
  let limited: LocalSystem;
  beforeAll(async () => {
    limited = await startTestSystem({
      world: createWorld({ seed: 48, now: new Date('2026-11-26T12:00:00Z') }),
      websocket: { maxSubscriptionsPerSocket: 3 },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('a socket past its subscription limit gets SUBSCRIPTION_LIMIT_EXCEEDED; completing one frees a place', async () => {
    const client = connect(limited.gateway.url);
    const query = 'subscription ($l: ID!) { stockChanged(locationId: $l) { quantity } }';
    const held = ['L1', 'L2', 'L3'].map((l) => subscribe(client, query, { l }));
    await untilSubscribed(limited.gateway, 3, 3);
    const fourth = subscribe(client, query, { l: 'L4' });
    expect(
      ((await fourth.failure) as { extensions?: { code?: string } }[])[0]?.extensions?.code,
    ).toBe('SUBSCRIPTION_LIMIT_EXCEEDED');
    expect(limited.gateway.subscriptions.subscriptions.openUpstreams()).toBe(3);
    held[0]?.dispose();
    await expect.poll(() => limited.gateway.subscriptions.subscriptions.subscribers()).toBe(2);
    const again = subscribe(client, query, { l: 'L5' });
    await untilSubscribed(limited.gateway, 3, 3);
    again.dispose();
    for (const subscription of held) subscription.dispose();
    await client.dispose();
  });
});
