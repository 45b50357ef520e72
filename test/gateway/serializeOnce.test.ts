import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  nextPayload,
  spliceSerializedPayloads,
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
