import { MessageType, stringifyMessage } from 'graphql-ws';
import type { WebSocket } from 'ws';

/**
 * One event shared by 10,000 subscribers is one result object (federatedSubscriptions.ts), but
 * graphql-ws serializes its `next` message once per subscriber: the largest cost of a fan-out
 * after the socket writes themselves (bench/subscriptions.ts, profiled). Here the result is
 * serialized once and spliced into every subscriber's message as the socket sends it.
 *
 * graphql-ws's `onNext` hook returns what it sends as the payload: `nextPayload` records the
 * result's JSON for that socket and subscription id and returns an empty object, so graphql-ws
 * sends `{"id":<id>,"type":"next","payload":{}}`; the socket's `send`, wrapped by
 * `spliceSerializedPayloads`, swaps in the recorded JSON. A message of any other shape, or one
 * nothing was recorded for, is sent as it is.
 *
 * That message layout is graphql-ws's, not a documented contract. It is checked once against
 * the library's own `stringifyMessage` (the function its server sends with); should a version
 * lay the message out differently, nothing is spliced and graphql-ws serializes every result
 * itself, as if this module did not exist: slower, never an empty payload.
 * test/gateway/serializeOnce.test.ts pins the layout against the installed graphql-ws.
 */
const serialized = new WeakMap<object, string>();
const pendingBySocket = new WeakMap<WebSocket, Map<string, string>>();
const emptyPayload = Object.freeze({});
const head = '{"id":';
const tail = ',"type":"next","payload":{}}';

/** Whether `stringify` lays out a `next` message as the splice expects. */
export function splicesLayout(
  stringify: (message: { id: string; type: MessageType.Next; payload: object }) => string,
): boolean {
  const id = 'layout "probe"';
  try {
    return (
      stringify({ id, type: MessageType.Next, payload: {} }) ===
      `${head}${JSON.stringify(id)}${tail}`
    );
  } catch {
    return false;
  }
}

const layoutHolds = splicesLayout((message) => stringifyMessage(message));

/** graphql-ws's `onNext`: the payload to send for `result` to subscription `id` on `socket`. */
export function nextPayload(socket: WebSocket, id: string, result: object): object {
  const pending = pendingBySocket.get(socket);
  if (!pending) return result;
  let json = serialized.get(result);
  if (json === undefined) {
    // GraphQLError's toJSON gives the same shape graphql-ws would send.
    json = JSON.stringify(result);
    serialized.set(result, json);
  }
  // Keyed by the id as it appears in the message, so the send below need not parse it.
  pending.set(JSON.stringify(id), json);
  return emptyPayload;
}

/**
 * Wraps the socket's `send` so recorded payloads are spliced into their `next` messages; with
 * `layoutOk` false (graphql-ws changed its layout) the socket is left alone, and `nextPayload`
 * then hands graphql-ws the result itself.
 */
export function spliceSerializedPayloads(socket: WebSocket, layoutOk = layoutHolds): void {
  if (!layoutOk) return;
  const pending = new Map<string, string>();
  pendingBySocket.set(socket, pending);
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  socket.send = ((data: unknown, ...rest: unknown[]) => {
    if (typeof data === 'string' && data.startsWith(head) && data.endsWith(tail)) {
      const id = data.slice(head.length, data.length - tail.length);
      const json = pending.get(id);
      if (json !== undefined) {
        pending.delete(id);
        return send(`${data.slice(0, data.length - 3)}${json}}`, ...rest);
      }
    }
    return send(data, ...rest);
  }) as WebSocket['send'];
}
