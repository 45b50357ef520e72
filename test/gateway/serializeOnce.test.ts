import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { createClient, stringifyMessage } from 'graphql-ws';
// Aliased: Biome's React rules would take a `use` prefix for a React hook.
import { useServer as serveGraphQLWs } from 'graphql-ws/use/ws';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  nextPayload,
  spliceSerializedPayloads,
  splicesLayout,
} from '../../gateway/subscriptions/serializeOnce.ts';

/** A socket that records what is sent on it. */
function fakeSocket(): { socket: WebSocket; sent: unknown[] } {
  const sent: unknown[] = [];
  const socket = { send: (data: unknown) => sent.push(data) } as unknown as WebSocket;
  spliceSerializedPayloads(socket);
  return { socket, sent };
}

/** What graphql-ws sends for a payload (graphql-ws's own stringifyMessage, without checks). */
const message = (id: string, payload: unknown) => JSON.stringify({ id, type: 'next', payload });

describe('one serialization per shared result', () => {
  it('serializes a result once however many subscribers get it, and each gets the whole message', () => {
    let serializations = 0;
    const result = {
      data: { orderChanged: { id: 'O1', version: 3 } },
      extensions: { eventId: '1-0' },
      toJSON() {
        serializations += 1;
        return { data: this.data, extensions: this.extensions };
      },
    };
    const subscribers = [fakeSocket(), fakeSocket(), fakeSocket()];
    for (const [i, { socket }] of subscribers.entries()) {
      const id = `sub-"${i}"`;
      socket.send(message(id, nextPayload(socket, id, result)));
    }
    expect(serializations).toBe(1);
    expect(subscribers.map(({ sent }) => sent.map((data) => JSON.parse(String(data))))).toEqual(
      subscribers.map((_, i) => [
        {
          id: `sub-"${i}"`,
          type: 'next',
          payload: {
            data: { orderChanged: { id: 'O1', version: 3 } },
            extensions: { eventId: '1-0' },
          },
        },
      ]),
    );
  });

  it('sends every other message as it is', () => {
    const { socket, sent } = fakeSocket();
    const others = [
      JSON.stringify({ type: 'connection_ack' }),
      message('a', {}),
      JSON.stringify({ id: 'a', type: 'complete' }),
    ];
    for (const data of others) socket.send(data);
    expect(sent).toEqual(others);
  });

  it('leaves a socket it does not wrap alone: the result itself is the payload', () => {
    const socket = { send: () => undefined } as unknown as WebSocket;
    const result = { data: { ok: true } };
    expect(nextPayload(socket, '1', result)).toBe(result);
  });
});

describe('contract with the installed graphql-ws', () => {
  it('its stringifyMessage lays out a next message as the splice expects', () => {
    expect(splicesLayout((message) => stringifyMessage(message))).toBe(true);
  });

  it('through its real server and client, every subscriber receives the whole shared result', async () => {
    const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick: Int }');
    const shared = { data: { tick: 7 }, extensions: { eventId: '1-0' } };
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/graphql' });
    wss.on('connection', (socket) => spliceSerializedPayloads(socket));
    const server = serveGraphQLWs(
      {
        schema,
        onNext: (ctx, id, _payload, _args, result) => nextPayload(ctx.extra.socket, id, result),
        subscribe: async function* () {
          yield shared;
        },
      },
      wss,
    );
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    const received = await Promise.all(
      [1, 2, 3].map(async () => {
        const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
        const results: unknown[] = [];
        for await (const result of client.iterate({ query: 'subscription { tick }' })) {
          results.push(result);
        }
        await client.dispose();
        return results;
      }),
    );
    expect(received).toEqual([[shared], [shared], [shared]]);
    await server.dispose();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => http.close(resolve));
  });

  it('with another layout nothing is spliced: graphql-ws gets the result itself, never {}', () => {
    const reordered = (message: { id: string; type: string; payload: object }) =>
      JSON.stringify({ type: message.type, id: message.id, payload: message.payload });
    expect(splicesLayout(reordered)).toBe(false);
    const sent: unknown[] = [];
    const socket = { send: (data: unknown) => sent.push(data) } as unknown as WebSocket;
    spliceSerializedPayloads(socket, false);
    const result = { data: { ok: true } };
    expect(nextPayload(socket, '1', result)).toBe(result);
    socket.send('x');
    expect(sent).toEqual(['x']);
  });
});
