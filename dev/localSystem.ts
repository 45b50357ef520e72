import { type Emulators, startEmulators, type WebhookOptions } from '../emulators/index.ts';
import { createWorld, type World } from '../emulators/world.ts';
import { mintDevToken, type Role } from '../gateway/auth/tokens.ts';
import { exampleOperations } from '../gateway/explorer/exampleOperations.ts';
import type { OperationLimits } from '../gateway/limits/operationLimits.ts';
import { type RunningGateway, startGateway } from '../gateway/startGateway.ts';
import { ConfigError } from '../platform/config.ts';
import { type InventorySubgraph, startInventorySubgraph } from '../subgraphs/inventory/start.ts';
import type { SubgraphSettings } from '../subgraphs/kit/subgraphRuntime.ts';
import { type PosSubgraph, startPosSubgraph } from '../subgraphs/pos/start.ts';
import { type SchedulingSubgraph, startSchedulingSubgraph } from '../subgraphs/scheduling/start.ts';
import { freePorts, type LocalSystemSettings, readLocalSystemSettings } from './localSettings.ts';

/**
 * The whole system in one process: emulated vendor APIs, the three subgraphs and the gateway.
 * `npm start` runs it on the settings its environment gives (readLocalSystemSettings); tests and
 * benchmarks on those of an empty environment with free ports, changed by the options below.
 * Only what is known once things run is filled in here: the subgraphs' vendor URLs (the
 * emulators'), the gateway's subgraph URLs, the webhook signature keys the emulators hand out,
 * and the explorer's example location and token. This is the only product code that imports
 * the emulators (the dev launcher's job).
 */
export interface LocalSystemOptions {
  /** Every service's settings; default `readLocalSystemSettings(freePorts)`. */
  settings?: LocalSystemSettings;
  /** The interface every service listens on. */
  host?: string;
  /** Fixed ports, or 0 for free ones. */
  ports?: {
    gateway?: number;
    pos?: number;
    inventory?: number;
    scheduling?: number;
    posApi?: number;
    inventoryApi?: number;
    schedulingApi?: number;
  };
  /** The emulators' world (default: one from the settings' seed). */
  world?: World;
  /** The vendor access token the emulators accept and the subgraphs send. */
  token?: string;
  /** Overrides for every subgraph's settings (cache, batching, Redis, reconciliation, policies). */
  subgraphs?: Partial<
    Pick<
      SubgraphSettings,
      'caching' | 'batching' | 'redisUrl' | 'cachePrefix' | 'reconcileIntervalMs' | 'resilience'
    >
  >;
  upstreamLatencyMs?: number;
  /** Each try of a vendor call gives up after this long. */
  upstreamTimeoutMs?: number;
  /** How the emulators deliver webhooks (time scale, answer deadline, faults). */
  webhooks?: WebhookOptions;
  /** Secrets for caller tokens (HS256) and gateway-subgraph trust. */
  secrets?: { jwt?: string; gateway?: string };
  /** The supergraph file the gateway serves and watches. */
  supergraphPath?: string;
  /** graphql-ws limits at the gateway, each replacing the settings' own. */
  websocket?: {
    maxMessageBytes?: number;
    maxConnectionsPerClient?: number;
    /** Events one subscriber may have waiting before SLOW_SUBSCRIBER ends it. */
    maxBacklog?: number;
    /** Subscriptions one socket may hold. */
    maxSubscriptionsPerSocket?: number;
    /** Subscriptions one caller may hold over every socket and stream. */
    maxSubscriptionsPerCaller?: number;
    /** Ping sockets this often; end those that did not answer the last ping (0: off). */
    pingIntervalMs?: number;
  };
  /** Request limits at the gateway. */
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
  /** What each service was started with (the signature keys are in each subgraph's `webhooks`). */
  settings: LocalSystemSettings;
  devTokens: DevTokens;
  /** A development token for one role and some locations. */
  mintToken(role: Role, locations: readonly string[], expiresIn?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const settings = withOptions(options.settings ?? readLocalSystemSettings(freePorts), options);
  const { auth } = settings.gateway;
  if (!auth || !('secret' in auth.tokens)) {
    throw new ConfigError(
      'invalid configuration:\n  JWKS_URL: the local system mints development tokens, so it needs JWT_SECRET',
    );
  }
  const jwtSecret = auth.tokens.secret;
  const mintToken = (role: Role, locations: readonly string[], expiresIn?: string) =>
    mintDevToken(jwtSecret, { subject: `dev-${role}`, role, locations }, expiresIn);
  const devTokens: DevTokens = {
    manager: await mintToken('manager', ['*']),
    staff: await mintToken('staff', ['*']),
    analyst: await mintToken('analyst', ['*']),
  };
  const emulatorSettings = settings.emulators;
  const emulators = await startEmulators({
    world:
      options.world ??
      createWorld({
        seed: emulatorSettings.seed,
        ...(emulatorSettings.clock ? { now: emulatorSettings.clock } : {}),
      }),
    host: emulatorSettings.host,
    token: emulatorSettings.token,
    latencyMs: emulatorSettings.latencyMs,
    faults: emulatorSettings.faults,
    webhooks: { ...emulatorSettings.webhooks, ...options.webhooks },
    ports: emulatorSettings.ports,
  });
  // The subgraphs call the emulators wherever they listen.
  const towards = (subgraph: SubgraphSettings, baseUrl: string): SubgraphSettings => ({
    ...subgraph,
    upstream: { ...subgraph.upstream, baseUrl },
  });
  settings.pos = towards(settings.pos, emulators.pos.url);
  settings.inventory = towards(settings.inventory, emulators.inventory.url);
  settings.scheduling = towards(settings.scheduling, emulators.scheduling.url);
  const [pos, inventory, scheduling] = await Promise.all([
    startPosSubgraph(settings.pos),
    startInventorySubgraph(settings.inventory),
    startSchedulingSubgraph(settings.scheduling),
  ]);
  // Each subgraph subscribes to its vendor's webhooks now that its URL is known.
  await Promise.all([
    pos.subscribeToVendorWebhooks(),
    inventory.subscribeToVendorWebhooks(),
    scheduling.subscribeToVendorWebhooks(),
  ]);
  // The call logs count what requests to the system cause, not its own start-up.
  for (const emulator of [emulators.pos, emulators.inventory, emulators.scheduling]) {
    emulator.calls.reset();
  }
  settings.gateway = {
    ...settings.gateway,
    subgraphUrls: { pos: pos.url, inventory: inventory.url, scheduling: scheduling.url },
    // In production the explorer is as deployed: no token of its own, the configured location.
    ...(process.env.NODE_ENV === 'production'
      ? {}
      : {
          explorer: {
            examples: exampleOperations(emulators.world.locations[0]?.id ?? ''),
            headers: { authorization: `Bearer ${devTokens.manager}` },
          },
        }),
  };
  const gateway = await startGateway(settings.gateway);
  return {
    emulators,
    pos,
    inventory,
    scheduling,
    gateway,
    settings,
    devTokens,
    mintToken,
    async close() {
      await gateway.close();
      await Promise.all([pos.close(), inventory.close(), scheduling.close()]);
      await emulators.close();
    },
  };
}

/** The settings with the options' overrides on top (a fresh object: the caller's stays as is). */
function withOptions(base: LocalSystemSettings, options: LocalSystemOptions): LocalSystemSettings {
  const { ports = {}, secrets = {} } = options;
  const defined = <T extends object>(values: T): Partial<T> =>
    Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
  const subgraph = (settings: SubgraphSettings, port: number | undefined): SubgraphSettings => ({
    ...settings,
    ...defined({ host: options.host, port, trustSecret: secrets.gateway }),
    upstream: {
      ...settings.upstream,
      ...defined({ token: options.token, timeoutMs: options.upstreamTimeoutMs }),
    },
    ...options.subgraphs,
  });
  const { gateway } = base;
  return {
    emulators: {
      ...base.emulators,
      ...defined({
        host: options.host,
        token: options.token,
        latencyMs: options.upstreamLatencyMs,
      }),
      ports: {
        ...base.emulators.ports,
        ...defined({
          pos: ports.posApi,
          inventory: ports.inventoryApi,
          scheduling: ports.schedulingApi,
        }),
      },
    },
    pos: subgraph(base.pos, ports.pos),
    inventory: subgraph(base.inventory, ports.inventory),
    scheduling: subgraph(base.scheduling, ports.scheduling),
    gateway: {
      ...gateway,
      ...defined({
        host: options.host,
        port: ports.gateway,
        supergraphPath: options.supergraphPath,
      }),
      websocket: { ...gateway.websocket, ...defined(options.websocket ?? {}) },
      auth: gateway.auth && {
        ...gateway.auth,
        ...(secrets.jwt === undefined ? {} : { tokens: { secret: secrets.jwt } }),
        ...defined({ trustSecret: secrets.gateway, limits: options.limits }),
      },
    },
  };
}
