import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, readLocalSystemSettings } from '../../dev/localSettings.ts';
import { type LocalSystem, startLocalSystem } from '../../dev/localSystem.ts';
import { readEmulatorSettings } from '../../emulators/settings.ts';
import { createWorld } from '../../emulators/world.ts';
import { readGatewaySettings } from '../../gateway/settings.ts';
import type { GatewaySettings } from '../../gateway/startGateway.ts';
import { readInventorySettings } from '../../subgraphs/inventory/start.ts';
import type { SubgraphSettings } from '../../subgraphs/kit/subgraphRuntime.ts';
import { readPosSettings } from '../../subgraphs/pos/start.ts';
import { readSchedulingSettings } from '../../subgraphs/scheduling/start.ts';
import { postGraphQL } from '../graphqlClient.ts';

/**
 * `npm start` and the services started alone read one settings path: the local system runs
 * each service with what that service's own reader gives for the same environment, filling in
 * only what is known once things run (vendor and subgraph URLs, the explorer's presets).
 */
const world = createWorld({ seed: 53, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
const opened: LocalSystem[] = [];
afterAll(async () => {
  for (const system of opened) await system.close();
});

const subgraphReaders = {
  pos: readPosSettings,
  inventory: readInventorySettings,
  scheduling: readSchedulingSettings,
} as const;
const subgraphNames = ['pos', 'inventory', 'scheduling'] as const;

/** What the system's subgraph was given, against what its own entry point reads from `env`. */
function expectSubgraphAsAlone(system: LocalSystem, env: NodeJS.ProcessEnv) {
  for (const name of subgraphNames) {
    const alone = subgraphReaders[name](env);
    expect(system.settings[name]).toEqual({
      ...alone,
      upstream: { ...alone.upstream, baseUrl: system.emulators[name].url },
    } satisfies SubgraphSettings);
  }
}

/** The gateway's settings without what the system fills in at run time. */
function configured({ explorer: _explorer, subgraphUrls: _urls, ...rest }: GatewaySettings) {
  return rest;
}

/** Depth 8: `location` > (`openOrders` > `location`) x 3 > `name`. */
const depthEight = `{ location(id: "${locationId}") { ${'openOrders(first: 1) { location { '.repeat(3)} name ${'} } '.repeat(3)} } }`;

describe('with an empty environment', () => {
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startLocalSystem({ world });
    opened.push(system);
  });

  it('each subgraph runs with what its own entry point reads, towards its emulator', () => {
    expectSubgraphAsAlone(system, freePorts);
    for (const name of subgraphNames) {
      expect(system.settings[name]).toMatchObject({
        port: 0,
        upstream: { timeoutMs: 3000, token: 'dev-square-token' },
        caching: true,
        batching: true,
        reconcileIntervalMs: 30_000,
        eventHistoryLength: 1000,
        cachePrefix: 'restaurant-graph',
        resilience: {
          requestBudgetMs: 8000,
          retry: { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 2000, budgetRatio: 1 },
          breaker: { failureRatio: 0.5, windowMs: 10_000, minimumCalls: 10, halfOpenAfterMs: 5000 },
          rateLimit: { perSecond: 20, burst: 40 },
          rateLimitStore: 'memory',
        },
      });
      expect(system.settings[name].redisUrl).toBeUndefined();
    }
  });

  it('the gateway runs with what gateway/main.ts reads, routed to the local subgraphs', () => {
    const { gateway } = system.settings;
    expect(configured(gateway)).toEqual(configured(readGatewaySettings(freePorts)));
    expect(gateway.subgraphUrls).toEqual({
      pos: system.pos.url,
      inventory: system.inventory.url,
      scheduling: system.scheduling.url,
    });
    expect(gateway.auth?.limits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxCost: 20_000,
      defaultListSize: 20,
    });
    expect(gateway.auth?.introspection).toBe('everyone');
    expect(gateway.websocket).toEqual({
      maxMessageBytes: 65_536,
      maxConnectionsPerClient: 1000,
      maxBacklog: 1000,
      maxSubscriptionsPerSocket: 100,
      pingIntervalMs: 30_000,
      resolutionRetries: 6,
      maxSubscriptionsPerCaller: 200,
    });
    expect(gateway.maxBodyBytes).toBe(1_048_576);
  });

  it('the emulators run with what emulators/main.ts reads', () => {
    expect(system.settings.emulators).toEqual(readEmulatorSettings(freePorts));
    expect(system.settings.emulators).toMatchObject({
      token: 'dev-square-token',
      latencyMs: 0,
      webhooks: { timeScale: 1 },
      faults: {},
    });
  });

  it('answers a query of depth 8 (the limit is 12)', async () => {
    const authorization = `Bearer ${system.devTokens.manager}`;
    const { status, body } = await postGraphQL(
      system.gateway.url,
      depthEight,
      {},
      { authorization },
    );
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });
});

describe('a variable set for npm start', () => {
  const env = {
    ...freePorts,
    UPSTREAM_TIMEOUT_MS: '1234',
    SCHEDULING_API_RATE_PER_SECOND: '5',
    MAX_DEPTH: '7',
    WS_MAX_MESSAGE_BYTES: '4096',
  };
  let system: LocalSystem;
  beforeAll(async () => {
    // An option still overrides what the environment says (here the backlog).
    system = await startLocalSystem({
      settings: readLocalSystemSettings(env),
      world,
      websocket: { maxBacklog: 3 },
    });
    opened.push(system);
  });

  it('reaches every subgraph as it reaches the subgraph started alone', () => {
    expectSubgraphAsAlone(system, env);
    for (const name of subgraphNames) {
      expect(system.settings[name].upstream.timeoutMs).toBe(1234);
    }
    expect(system.settings.pos.resilience?.rateLimit).toEqual({ perSecond: 20, burst: 40 });
    expect(system.settings.scheduling.resilience?.rateLimit).toEqual({ perSecond: 5, burst: 40 });
  });

  it('reaches the gateway, under the options given on top', async () => {
    const { gateway } = system.settings;
    expect(gateway.auth?.limits.maxDepth).toBe(7);
    expect(gateway.websocket).toEqual({
      maxMessageBytes: 4096,
      maxConnectionsPerClient: 1000,
      maxBacklog: 3,
      maxSubscriptionsPerSocket: 100,
      pingIntervalMs: 30_000,
      resolutionRetries: 6,
      maxSubscriptionsPerCaller: 200,
    });
    const authorization = `Bearer ${system.devTokens.manager}`;
    const { status, body } = await postGraphQL(
      system.gateway.url,
      depthEight,
      {},
      { authorization },
    );
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
  });
});
