import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { startTestSystem } from '../system.ts';

/**
 * A gateway going away (a deploy, a scale-in) must not end its clients' subscriptions: a
 * `complete` tells a graphql-ws client the subscription is over for good, while a socket closed
 * with 1001 makes it reconnect (to another gateway behind the balancer) and subscribe again.
 */
const world = createWorld({ seed: 53, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem | undefined;
afterAll(async () => {
  await system?.close();
});

describe('a gateway shutting down', () => {
  it('closes subscribers\u2019 sockets with 1001 "Going away", sending no complete first', async () => {
    const running = await startTestSystem({ world });
    system = running;
    const socket = new WebSocket(
      running.gateway.url.replace(/^http/, 'ws'),
      'graphql-transport-ws',
    );
    const received: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      received.push(message.type);
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: {
              query: orderChangedSubscription,
              variables: { locationId: world.locations[0]?.id },
            },
          }),
        );
      }
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${running.devTokens.manager}` },
      }),
    );
    const { subscriptions } = running.gateway.subscriptions;
    await expect.poll(() => subscriptions.openUpstreams()).toBe(1);

    system = undefined;
    await running.close();
    expect(await closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(received).toEqual(['connection_ack']);
    expect(subscriptions.openUpstreams()).toBe(0);
  });
});
