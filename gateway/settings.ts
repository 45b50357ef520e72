import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, envVar, readEnv } from '../platform/config.ts';
import { devGatewaySecret } from '../platform/gatewayTrust.ts';
import { devJwtSecret } from './auth/tokens.ts';
import { exampleOperations, explorerLocationPlaceholder } from './explorer/exampleOperations.ts';
import { developmentCorsOrigins } from './http/cors.ts';
import { defaultHeartbeatMs } from './http/httpSubscriptions.ts';
import { defaultOperationLimits } from './limits/operationLimits.ts';
import { sha256 } from './requestGuard.ts';
import type { GatewaySettings } from './startGateway.ts';
import { defaultMaxSubscriptionsPerCaller } from './subscriptions/callerLimits.ts';
import { defaultResolutionRetries } from './subscriptions/eventResolution.ts';
import { defaultMaxBacklog } from './subscriptions/federatedSubscriptions.ts';
import {
  defaultMaxSubscriptionsPerSocket,
  defaultPingIntervalMs,
} from './subscriptions/subscriptionServer.ts';

/** A safelist file: a JSON array of operation documents; each is allowed by its SHA-256. */
function readSafelist(path: string): Map<string, string> {
  let documents: unknown;
  try {
    documents = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `invalid configuration:\n  SAFELIST_PATH: cannot read ${path} (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) {
    throw new ConfigError(
      'invalid configuration:\n  SAFELIST_PATH: expected a JSON array of documents',
    );
  }
  return new Map(documents.map((document) => [sha256(document), document]));
}

export const defaultSupergraphPath = fileURLToPath(
  new URL('../schema/supergraph.graphql', import.meta.url),
);

/**
 * The gateway's environment: HOST, GATEWAY_PORT, SUPERGRAPH_PATH, MAX_BODY_BYTES,
 * EXPLORER_LOCATION_ID (the location the explorer's example tabs use), JWT_SECRET or JWKS_URL,
 * JWT_ISSUER and JWT_AUDIENCE (checked when set),
 * GATEWAY_SHARED_SECRET, MAX_DEPTH, MAX_ALIASES, MAX_COST, DEFAULT_LIST_SIZE, INTROSPECTION,
 * SAFELIST_PATH, CORS_ORIGINS (comma-separated origins whose pages may call the gateway; in
 * development localhost's), SUBGRAPH_DEDUPLICATION (identical in-flight subgraph queries share
 * one call; default true), STREAM_HEARTBEAT_MS (SSE and multipart subscriptions), REDIS_URL and CACHE_PREFIX (persisted queries shared by every gateway), and
 * POS_SUBGRAPH_URL / INVENTORY_SUBGRAPH_URL / SCHEDULING_SUBGRAPH_URL to route elsewhere than
 * the supergraph's routing URLs.
 */
export function readGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const production = env.NODE_ENV === 'production';
  const values = readEnv(
    {
      JWKS_URL: envVar.optionalUrl(),
      JWT_ISSUER: envVar.optionalString(),
      JWT_AUDIENCE: envVar.optionalString(),
      // A JWKS URL replaces the shared secret; without one, production needs JWT_SECRET set.
      JWT_SECRET: env.JWKS_URL ? z.string().optional() : envVar.secret(devJwtSecret, production),
      GATEWAY_SHARED_SECRET: envVar.secret(devGatewaySecret, production),
      MAX_DEPTH: envVar.positiveInt(defaultOperationLimits.maxDepth),
      MAX_ALIASES: envVar.positiveInt(defaultOperationLimits.maxAliases),
      MAX_COST: envVar.positiveInt(defaultOperationLimits.maxCost),
      DEFAULT_LIST_SIZE: envVar.positiveInt(defaultOperationLimits.defaultListSize),
      INTROSPECTION: z.enum(['everyone', 'analysts']).default(production ? 'analysts' : 'everyone'),
      SAFELIST_PATH: envVar.optionalString(),
      WS_MAX_MESSAGE_BYTES: envVar.positiveInt(64 * 1024),
      WS_MAX_CONNECTIONS_PER_CLIENT: envVar.positiveInt(1000),
      SUBSCRIPTION_MAX_BACKLOG: envVar.positiveInt(defaultMaxBacklog),
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: envVar.positiveInt(defaultMaxSubscriptionsPerSocket),
      SUBSCRIPTIONS_PER_CALLER: envVar.positiveInt(defaultMaxSubscriptionsPerCaller),
      WS_PING_INTERVAL_MS: envVar.millisecondsOrOff(defaultPingIntervalMs),
      EVENT_RESOLUTION_RETRIES: z.coerce.number().int().min(0).default(defaultResolutionRetries),
      HOST: envVar.string('127.0.0.1'),
      GATEWAY_PORT: envVar.port(4000),
      SUPERGRAPH_PATH: envVar.string(defaultSupergraphPath),
      MAX_BODY_BYTES: envVar.positiveInt(1024 * 1024),
      EXPLORER_LOCATION_ID: envVar.string(explorerLocationPlaceholder),
      POS_SUBGRAPH_URL: envVar.optionalUrl(),
      INVENTORY_SUBGRAPH_URL: envVar.optionalUrl(),
      SCHEDULING_SUBGRAPH_URL: envVar.optionalUrl(),
      STREAM_HEARTBEAT_MS: envVar.milliseconds(defaultHeartbeatMs),
      SUBGRAPH_DEDUPLICATION: envVar.flag(true),
      CORS_ORIGINS: envVar.list(production ? [] : developmentCorsOrigins),
      REDIS_URL: envVar.optionalUrl(),
      CACHE_PREFIX: envVar.string('restaurant-graph'),
    },
    env,
  );
  return {
    host: values.HOST,
    port: values.GATEWAY_PORT,
    supergraphPath: values.SUPERGRAPH_PATH,
    maxBodyBytes: values.MAX_BODY_BYTES,
    explorer: { examples: exampleOperations(values.EXPLORER_LOCATION_ID) },
    websocket: {
      maxMessageBytes: values.WS_MAX_MESSAGE_BYTES,
      maxConnectionsPerClient: values.WS_MAX_CONNECTIONS_PER_CLIENT,
      maxBacklog: values.SUBSCRIPTION_MAX_BACKLOG,
      maxSubscriptionsPerSocket: values.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscriptionsPerCaller: values.SUBSCRIPTIONS_PER_CALLER,
      pingIntervalMs: values.WS_PING_INTERVAL_MS,
      resolutionRetries: values.EVENT_RESOLUTION_RETRIES,
    },
    auth: {
      tokens: {
        ...(values.JWKS_URL
          ? { jwksUrl: values.JWKS_URL }
          : { secret: values.JWT_SECRET ?? devJwtSecret }),
        ...(values.JWT_ISSUER ? { issuer: values.JWT_ISSUER } : {}),
        ...(values.JWT_AUDIENCE ? { audience: values.JWT_AUDIENCE } : {}),
      },
      trustSecret: values.GATEWAY_SHARED_SECRET,
      limits: {
        maxDepth: values.MAX_DEPTH,
        maxAliases: values.MAX_ALIASES,
        maxCost: values.MAX_COST,
        defaultListSize: values.DEFAULT_LIST_SIZE,
      },
      introspection: values.INTROSPECTION,
      safelist: values.SAFELIST_PATH ? readSafelist(values.SAFELIST_PATH) : undefined,
    },
    corsOrigins: values.CORS_ORIGINS,
    streamHeartbeatMs: values.STREAM_HEARTBEAT_MS,
    subgraphDeduplication: values.SUBGRAPH_DEDUPLICATION,
    redisUrl: values.REDIS_URL,
    cachePrefix: values.CACHE_PREFIX,
    subgraphUrls: {
      pos: values.POS_SUBGRAPH_URL,
      inventory: values.INVENTORY_SUBGRAPH_URL,
      scheduling: values.SCHEDULING_SUBGRAPH_URL,
    },
  };
}
