import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, readLocalSystemSettings } from '../../dev/localSettings.ts';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { orderChangedSubscription } from '../../schema/operations.ts';
import { expectedOrderChanged, openOrdersNewestFirst, withShiftNames } from '../expected.ts';
import { untilLive } from '../subscriptionClient.ts';
import { publishOrderEvent, startTestSystem } from '../system.ts';

/**
 * Subscriptions over SSE (graphql-sse) and Apollo's multipart HTTP protocol: the same fan-out,
 * checks, resume and limits as graphql-ws, in each protocol's exact format.
 */
const world = createWorld({ seed: 24, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
const orders = openOrdersNewestFirst(world, locationId).map((order) => order.id);
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({
    world,
    settings: readLocalSystemSettings({
      ...freePorts,
      STREAM_HEARTBEAT_MS: '100',
      WS_MAX_CONNECTIONS_PER_CLIENT: '3',
    }),
  });
});
afterAll(async () => {
  await system?.close();
});

const sseClient = (token = system.devTokens.manager) =>
  createSseClient({
    url: system.gateway.url,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });

/** A streaming response read as text as it arrives. */
async function openStream(accept: string, extra: Record<string, string> = {}, body?: unknown) {
  const controller = new AbortController();
  const response = await fetch(system.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${system.devTokens.manager}`,
      accept,
      ...extra,
    },
    body: JSON.stringify(body ?? { query: orderChangedSubscription, variables: { locationId } }),
    signal: controller.signal,
  });
  let text = '';
  const done = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    text: () => text,
    until: (pattern: RegExp, timeout = 5_000) =>
      expect.poll(() => pattern.test(text), { timeout, interval: 5 }).toBe(true),
    done,
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Every `next` event's data in an SSE text. */
const sseEvents = (text: string) =>
  [...text.matchAll(/event: next\n(?:id: (.*)\n)?data: (.*)\n\n/g)].map(([, id, data]) => ({
    id,
    ...JSON.parse(data ?? '{}'),
  }));

describe('SSE (graphql-sse)', () => {
  it('the graphql-sse client at its defaults receives an event with every subgraph’s fields', async () => {
    const client = sseClient();
    const iterator = client.iterate({ query: orderChangedSubscription, variables: { locationId } });
    const first = iterator.next();
    await untilLive(system.gateway, 1);
    await publishOrderEvent(system, orders[0] ?? '');
    const { value } = await first;
    expect(withShiftNames(value?.data?.orderChanged)).toEqual(
      expectedOrderChanged(world, orders[0] ?? ''),
    );
    expect(value?.extensions?.eventId).toMatch(/^\d+-\d+$/);
    await iterator.return?.();
    client.dispose();
    await untilLive(system.gateway, 0, 0);
  });

  it('runs a query on the event stream for a client that asks only for one', async () => {
    const client = sseClient();
    const result = await client
      .iterate({
        query: `query Name($id: ID!) { location(id: $id) { name } }`,
        variables: { id: locationId },
      })
      .next();
    expect(result.value).toEqual({ data: { location: { name: world.locations[0]?.name } } });
    client.dispose();
  });

  it('resumes after extensions.lastEventId, and from Last-Event-ID as an EventSource sends it', async () => {
    const stream = await openStream('text/event-stream');
    await untilLive(system.gateway, 1);
    for (const order of orders.slice(0, 3)) await publishOrderEvent(system, order);
    await stream.until(/(event: next[\s\S]*){3}/);
    // Heartbeats are SSE comments, between events.
    await stream.until(/\n:\n\n/);
    const delivered = sseEvents(stream.text());
    expect(delivered.map((e) => e.data.orderChanged.id)).toEqual(orders.slice(0, 3));
    // Every event's position is its SSE id too.
    expect(delivered.map((e) => e.id)).toEqual(delivered.map((e) => e.extensions.eventId));
    await stream.close();
    await untilLive(system.gateway, 0, 0);

    const body = {
      query: orderChangedSubscription,
      variables: { locationId },
      extensions: { lastEventId: delivered[0]?.id },
    };
    const resumed = await openStream('text/event-stream', {}, body);
    await resumed.until(/(event: next[\s\S]*){2}/);
    expect(sseEvents(resumed.text()).map((e) => e.id)).toEqual(delivered.slice(1).map((e) => e.id));
    await resumed.close();

    const byHeader = await openStream('text/event-stream', { 'last-event-id': delivered[1]?.id });
    await byHeader.until(/event: next/);
    expect(sseEvents(byHeader.text()).map((e) => e.id)).toEqual([delivered[2]?.id]);
    await byHeader.close();
    await untilLive(system.gateway, 0, 0);
  });
});

describe('multipart HTTP (Apollo’s subscriptionSpec 1.0)', () => {
  const accept = 'multipart/mixed;subscriptionSpec="1.0", application/json';

  it('writes heartbeats and payload parts in the protocol’s format', async () => {
    const stream = await openStream(accept);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe(
      'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    );
    await untilLive(system.gateway, 1);
    await publishOrderEvent(system, orders[1] ?? '');
    await stream.until(/"payload"/);
    await stream.until(/\{\}\r\n--graphql[\s\S]*\{\}\r\n--graphql[\s\S]*\{\}\r\n--graphql/);
    const parts = stream
      .text()
      .split('\r\n--graphql')
      .filter((part) => part.startsWith('\r\ncontent-type'))
      .map((part) => JSON.parse(part.split('\r\n\r\n')[1] ?? ''));
    const payloads = parts.filter((part) => 'payload' in part);
    expect(payloads).toHaveLength(1);
    expect(withShiftNames(payloads[0].payload.data.orderChanged)).toEqual(
      expectedOrderChanged(world, orders[1] ?? ''),
    );
    expect(parts.filter((part) => Object.keys(part).length === 0).length).toBeGreaterThanOrEqual(3);
    await stream.close();
    await untilLive(system.gateway, 0, 0);
  });

  it('ends the stream with a fatal UNAUTHENTICATED when the token expires', async () => {
    const shortLived = await system.mintToken('manager', ['*'], '2s');
    const stream = await openStream(accept, { authorization: `Bearer ${shortLived}` });
    await untilLive(system.gateway, 1);
    await stream.done;
    expect(stream.text()).toMatch(
      /\r\n\r\n\{"payload":null,"errors":\[\{"message":"token expired","extensions":\{"code":"UNAUTHENTICATED"\}\}\]\}\r\n--graphql--\r\n$/,
    );
    await untilLive(system.gateway, 0, 0);
  });
});

describe('checks and limits, as on graphql-ws', () => {
  it('refuses a bad token before any stream opens (401); a location outside the token’s is NOT_FOUND, as on graphql-ws', async () => {
    const bad = await fetch(system.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: 'Bearer x',
      },
      body: JSON.stringify({ query: orderChangedSubscription, variables: { locationId } }),
    });
    expect(bad.status).toBe(401);
    expect((await bad.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const other = await system.mintToken('staff', [world.locations[1]?.id ?? '']);
    const client = sseClient(other);
    const result = await client
      .iterate({ query: orderChangedSubscription, variables: { locationId } })
      .next()
      .then(
        (r) => r.value,
        (e: unknown) => e,
      );
    expect(
      (result as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    client.dispose();
  });

  it('one client address may hold WS_MAX_CONNECTIONS_PER_CLIENT streams; the next gets 429', async () => {
    const held = await Promise.all([1, 2, 3].map(() => openStream('text/event-stream')));
    await untilLive(system.gateway, 3);
    const refused = await fetch(system.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${system.devTokens.manager}`,
      },
      body: JSON.stringify({ query: orderChangedSubscription, variables: { locationId } }),
    });
    expect(refused.status).toBe(429);
    expect((await refused.json()).errors[0].extensions.code).toBe('CONNECTION_LIMIT_EXCEEDED');
    await Promise.all(held.map((stream) => stream.close()));
    await untilLive(system.gateway, 0, 0);
  });
});
