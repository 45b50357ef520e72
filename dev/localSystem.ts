import { type Emulators, startEmulators, type WebhookOptions } from '../emulators/index.ts';
import type { World } from '../emulators/world.ts';
import { devJwtSecret, mintDevToken, type Role } from '../gateway/auth/tokens.ts';
import { exampleOperations } from '../gateway/explorer/exampleOperations.ts';
import { defaultOperationLimits, type OperationLimits } from '../gateway/limits/operationLimits.ts';
import { defaultSupergraphPath } from '../gateway/settings.ts';
import { type RunningGateway, startGateway } from '../gateway/startGateway.ts';
import { devGatewaySecret } from '../platform/gatewayTrust.ts';
import { type InventorySubgraph, startInventorySubgraph } from '../subgraphs/inventory/start.ts';
import { inventoryWebhookEventTypes } from '../subgraphs/inventory/webhooks.ts';
import { registerVendorWebhooks } from '../subgraphs/kit/squareWebhookSubscriptions.ts';
import type { SubgraphSettings } from '../subgraphs/kit/subgraphRuntime.ts';
import { type PosSubgraph, startPosSubgraph } from '../subgraphs/pos/start.ts';
import { posWebhookEventTypes } from '../subgraphs/pos/webhooks.ts';
import { type SchedulingSubgraph, startSchedulingSubgraph } from '../subgraphs/scheduling/start.ts';
import { schedulingWebhookEventTypes } from '../subgraphs/scheduling/webhooks.ts';

/**
 * The whole system in one process: emulated vendor APIs, the three subgraphs and the gateway.
 * `npm start` runs it on fixed ports; tests and benchmarks run it on port 0. This is the only
 * product code that imports the emulators (the dev launcher's job).
 */
export interface LocalSystemOptions {
  host?: string;
  /** Fixed ports, or 0 (the default) for free ones. */
  ports?: {
    gateway?: number;
    pos?: number;
    inventory?: number;
    scheduling?: number;
    posApi?: number;
    inventoryApi?: number;
    schedulingApi?: number;
  };
  world?: World;
  token?: string;
  /**
   * Overrides for every subgraph's settings (cache, batching, Redis, reconciliation: off
   * unless `reconcileIntervalMs` is given).
   */
  subgraphs?: Partial<
    Pick<
      SubgraphSettings,
      'caching' | 'batching' | 'redisUrl' | 'cachePrefix' | 'reconcileIntervalMs' | 'resilience'
    >
  >;
  upstreamLatencyMs?: number;
  /** Each try of a vendor call gives up after this long (default 5 s). */
  upstreamTimeoutMs?: number;
  /** How the emulators deliver webhooks (time scale, answer deadline, faults). */
  webhooks?: WebhookOptions;
  /** Secrets for caller tokens (HS256) and gateway-subgraph trust; development ones by default. */
  secrets?: { jwt?: string; gateway?: string };
  /** The supergraph file the gateway serves and watches (default schema/supergraph.graphql). */
  supergraphPath?: string;
  /** graphql-ws limits at the gateway (defaults: 64 KiB messages, 1,000 sockets per address). */
  websocket?: {
    maxMessageBytes?: number;
    maxConnectionsPerClient?: number;
    /** Events one subscriber may have waiting before SLOW_SUBSCRIBER ends it. */
    maxBacklog?: number;
    /** Ping sockets this often; end those that did not answer the last ping (0: off). */
    pingIntervalMs?: number;
  };
  /** Request limits at the gateway (default `defaultOperationLimits`). */
  limits?: OperationLimits;
}

/** Ready development tokens, one per role, each for every location. */
export type DevTokens = Record<Role, string>;

export interface LocalSystem {
  emulators: Emulators;
  pos: PosSubgraph;
  inventory: InventorySubgraph;
  scheduling: SchedulingSubgraph;
  gateway: RunningGateway;
  devTokens: DevTokens;
  /** A development token for one role and some locations. */
  mintToken(role: Role, locations: readonly string[], expiresIn?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const token = options.token ?? 'dev-square-token';
  const jwtSecret = options.secrets?.jwt ?? devJwtSecret;
  const gatewaySecret = options.secrets?.gateway ?? devGatewaySecret;
  const mintToken = (role: Role, locations: readonly string[], expiresIn?: string) =>
    mintDevToken(jwtSecret, { subject: `dev-${role}`, role, locations }, expiresIn);
  const devTokens: DevTokens = {
    manager: await mintToken('manager', ['*']),
    staff: await mintToken('staff', ['*']),
    analyst: await mintToken('analyst', ['*']),
  };
  const emulators = await startEmulators({
    host,
    token,
    ...(options.world ? { world: options.world } : {}),
    ...(options.upstreamLatencyMs ? { latencyMs: options.upstreamLatencyMs } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ports: {
      pos: ports.posApi ?? 0,
      inventory: ports.inventoryApi ?? 0,
      scheduling: ports.schedulingApi ?? 0,
    },
  });
  const settings = (port: number | undefined, baseUrl: string): SubgraphSettings => ({
    host,
    port: port ?? 0,
    upstream: { baseUrl, token, timeoutMs: options.upstreamTimeoutMs ?? 5_000 },
    caching: true,
    batching: true,
    // Off unless asked for: tests and benchmarks count upstream calls, and polls would add some.
    reconcileIntervalMs: 0,
    trustSecret: gatewaySecret,
    ...options.subgraphs,
  });
  const [pos, inventory, scheduling] = await Promise.all([
    startPosSubgraph(settings(ports.pos, emulators.pos.url)),
    startInventorySubgraph(settings(ports.inventory, emulators.inventory.url)),
    startSchedulingSubgraph(settings(ports.scheduling, emulators.scheduling.url)),
  ]);
  // Each subgraph subscribes to its vendor's webhooks now that its URL is known.
  await Promise.all([
    registerVendorWebhooks({
      apiUrl: emulators.pos.url,
      token,
      name: 'pos',
      eventTypes: posWebhookEventTypes,
      endpoint: pos.webhooks,
    }),
    registerVendorWebhooks({
      apiUrl: emulators.inventory.url,
      token,
      name: 'inventory',
      eventTypes: inventoryWebhookEventTypes,
      endpoint: inventory.webhooks,
    }),
    registerVendorWebhooks({
      apiUrl: emulators.scheduling.url,
      token,
      name: 'scheduling',
      eventTypes: schedulingWebhookEventTypes,
      endpoint: scheduling.webhooks,
    }),
  ]);
  // The call logs count what requests to the system cause, not its own start-up.
  for (const emulator of [emulators.pos, emulators.inventory, emulators.scheduling]) {
    emulator.calls.reset();
  }
  const gateway = await startGateway({
    host,
    port: ports.gateway ?? 0,
    supergraphPath: options.supergraphPath ?? defaultSupergraphPath,
    websocket: options.websocket,
    subgraphUrls: { pos: pos.url, inventory: inventory.url, scheduling: scheduling.url },
    maxBodyBytes: 1024 * 1024,
    explorer: {
      examples: exampleOperations(emulators.world.locations[0]?.id ?? ''),
      headers: { authorization: `Bearer ${devTokens.manager}` },
    },
    auth: {
      tokens: { secret: jwtSecret },
      trustSecret: gatewaySecret,
      limits: options.limits ?? defaultOperationLimits,
      introspection: 'everyone',
    },
  });
  return {
    emulators,
    pos,
    inventory,
    scheduling,
    gateway,
    devTokens,
    mintToken,
    async close() {
      await gateway.close();
      await Promise.all([pos.close(), inventory.close(), scheduling.close()]);
      await emulators.close();
    },
  };
}
