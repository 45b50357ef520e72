import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, readLocalSystemSettings } from '../../dev/localSettings.ts';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { devJwtSecret, mintDevToken } from '../../gateway/auth/tokens.ts';
import { connect, subscribe, untilLive } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

/**
 * One caller (a token's subject) may hold SUBSCRIPTIONS_PER_CALLER subscriptions over every
 * socket and HTTP stream together: more sockets do not buy more.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem({
    world: createWorld({ seed: 37, now: new Date('2026-11-26T12:00:00Z') }),
    settings: readLocalSystemSettings({ ...freePorts, SUBSCRIPTIONS_PER_CALLER: '3' }),
  });
});
afterAll(async () => {
  await system?.close();
});

const tokenOf = (subject: string) =>
  mintDevToken(devJwtSecret, { subject, role: 'staff', locations: ['*'] });
const query = 'subscription ($l: ID!) { stockChanged(locationId: $l) { quantity } }';

describe('subscriptions per caller', () => {
  it('counts every socket and stream of one token; another caller is not affected; ending one frees a place', async () => {
    const token = await tokenOf('ana');
    const params = { authorization: `Bearer ${token}` };
    const [a, b] = [connect(system.gateway.url, params), connect(system.gateway.url, params)];
    const held = [subscribe(a, query, { l: 'L1' }), subscribe(a, query, { l: 'L2' })];
    const stream = new AbortController();
    const sse = await fetch(system.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: params.authorization,
      },
      body: JSON.stringify({ query, variables: { l: 'L3' } }),
      signal: stream.signal,
    });
    expect(sse.status).toBe(200);
    await untilLive(system.gateway, 3, 3);

    const fourth = subscribe(b, query, { l: 'L4' });
    expect(
      ((await fourth.failure) as { extensions?: { code?: string } }[])[0]?.extensions?.code,
    ).toBe('SUBSCRIPTION_LIMIT_EXCEEDED');
    // Another caller still subscribes.
    const other = connect(system.gateway.url, {
      authorization: `Bearer ${await tokenOf('ben')}`,
    });
    subscribe(other, query, { l: 'L5' });
    await untilLive(system.gateway, 4, 4);

    held[0]?.dispose();
    await untilLive(system.gateway, 3, 3);
    const again = subscribe(b, query, { l: 'L6' });
    await untilLive(system.gateway, 4, 4);
    again.dispose();
    held[1]?.dispose();
    stream.abort();
    await Promise.all([a.dispose(), b.dispose(), other.dispose()]);
  });
});
