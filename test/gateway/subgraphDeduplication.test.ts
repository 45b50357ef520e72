import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { type RunningGateway, startGateway } from '../../gateway/startGateway.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { authorizeByDefault, startTestSystem } from '../system.ts';

/**
 * SUBGRAPH_DEDUPLICATION: on (the default), identical subgraph queries in flight together share
 * one call; off, every request makes its own, as a gateway without sharing does. A proxy in
 * front of POS counts the calls the gateway makes.
 */
const world = createWorld({ seed: 38, now: new Date('2026-11-26T12:00:00Z') });
let system: LocalSystem;
let proxy: Server;
let posCalls = 0;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  system = await startTestSystem({ world });
  proxy = createServer(async (req, res) => {
    posCalls += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Slow enough that the concurrent requests overlap at the subgraph.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await fetch(system.pos.url, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length'),
      ) as Record<string, string>,
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  proxy?.close();
  await system?.close();
});

async function gatewayWith(deduplication: boolean): Promise<RunningGateway> {
  const gateway = await startGateway({
    ...system.settings.gateway,
    port: 0,
    watchSupergraph: false,
    subgraphDeduplication: deduplication,
    subgraphUrls: {
      ...system.settings.gateway.subgraphUrls,
      pos: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`,
    },
  });
  gateways.push(gateway);
  await authorizeByDefault(gateway.url);
  return gateway;
}

const query = '{ locations { id name } }';

describe('SUBGRAPH_DEDUPLICATION', () => {
  it.each([
    [true, 1],
    [false, 10],
  ])('on=%s: 10 identical requests at once make %i POS calls', async (deduplication, calls) => {
    const gateway = await gatewayWith(deduplication);
    posCalls = 0;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postGraphQL(gateway.url, query)),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0]?.body.errors).toBeUndefined();
    expect(posCalls).toBe(calls);
  });
});
