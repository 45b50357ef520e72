import {
  freePorts,
  type LocalSystemSettings,
  readLocalSystemSettings,
} from '../dev/localSettings.ts';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '../dev/localSystem.ts';
import { devJwtSecret, mintDevToken } from '../gateway/auth/tokens.ts';
import { defaultOperationLimits } from '../gateway/limits/operationLimits.ts';
import type { GatewayAuth } from '../gateway/startGateway.ts';
import { devGatewaySecret, signIdentity } from '../platform/gatewayTrust.ts';
import type { Order } from '../subgraphs/pos/client.ts';
import { orderChangedTopic } from '../subgraphs/pos/webhooks.ts';
import { setDefaultHeaders } from './graphqlClient.ts';

/**
 * The whole system for a test file, with requests to its gateway carrying a development
 * manager token for every location unless a test passes other headers. Reconciliation polling
 * is off unless a test asks for it: tests count upstream calls, and polls would add some.
 */
export async function startTestSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const system = await startLocalSystem({
    ...options,
    subgraphs: { reconcileIntervalMs: 0, ...options.subgraphs },
  });
  setDefaultHeaders(system.gateway.url, { authorization: `Bearer ${system.devTokens.manager}` });
  for (const subgraph of [system.pos, system.inventory, system.scheduling]) {
    setDefaultHeaders(subgraph.url, trustedSubgraphHeaders());
  }
  return system;
}

/**
 * Every service's settings as a production deployment reads them (NODE_ENV=production, its
 * own secrets, free ports), with `extra` variables on top. The test file sets
 * `process.env.NODE_ENV` too, for what the processes decide at run time.
 */
export function productionSettings(extra: NodeJS.ProcessEnv = {}): LocalSystemSettings {
  const secret = 'a-production-secret-of-our-own-0123';
  return readLocalSystemSettings({
    ...freePorts,
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    GATEWAY_SHARED_SECRET: secret,
    ...extra,
  });
}

/** Development auth settings for a gateway a test starts itself, with the dev token used by default. */
export async function devGatewayAuth(gatewayUrl?: string): Promise<GatewayAuth> {
  if (gatewayUrl) await authorizeByDefault(gatewayUrl);
  return {
    tokens: { secret: devJwtSecret },
    trustSecret: devGatewaySecret,
    limits: defaultOperationLimits,
    introspection: 'everyone',
  };
}

/** Requests to this gateway carry a development manager token for every location. */
export async function authorizeByDefault(gatewayUrl: string): Promise<void> {
  const token = await mintDevToken(devJwtSecret, {
    subject: 'test',
    role: 'manager',
    locations: ['*'],
  });
  setDefaultHeaders(gatewayUrl, { authorization: `Bearer ${token}` });
}

/** What the gateway sends a subgraph for a caller who sees every location. */
export function trustedSubgraphHeaders(locationIds: string[] = ['*']): Record<string, string> {
  return signIdentity(
    { subject: 'test', roles: ['manager'], locationIds, scopes: ['labor:read'] },
    devGatewaySecret,
  );
}

/**
 * Publishes an order's current state as a domain event on the POS subgraph's bus, as its
 * webhook receiver would, and returns the order as the graph sees it.
 */
export async function publishOrderEvent(system: LocalSystem, orderId: string): Promise<Order> {
  const [order] = await system.pos.stores.order.load([orderId]);
  if (!order || order instanceof Error) throw new Error(`no order ${orderId}`);
  await system.pos.bus.publish({
    id: `order:${order.id}:${order.version}`,
    topic: orderChangedTopic,
    occurredAt: order.updatedAt,
    payload: order,
  });
  return order;
}
