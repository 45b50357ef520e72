import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { type Identity, signIdentity } from '../platform/gatewayTrust.ts';

/**
 * Every subgraph call carries the caller's verified identity, signed with the secret the
 * gateway shares with the subgraphs (platform/gatewayTrust.ts). The signing time is
 * rounded down to the second, so identical calls for one caller in the same second stay
 * identical (the in-flight deduplication can share them) while a replay still expires.
 */
export interface GatewayRequestContext {
  identity?: Identity;
  /** Also sent on, so a request's log lines match across gateway, subgraphs and vendors. */
  requestId?: string;
}

export function signSubgraphCalls<D extends RemoteGraphQLDataSource>(source: D, secret: string): D {
  const previous = source.willSendRequest?.bind(source);
  source.willSendRequest = async (options) => {
    const { identity, requestId } = (options.context ?? {}) as GatewayRequestContext;
    const headers = options.request.http?.headers;
    if (requestId && headers) headers.set('x-request-id', requestId);
    if (identity && headers) {
      const signedAt = Math.floor(Date.now() / 1000) * 1000;
      for (const [name, value] of Object.entries(signIdentity(identity, secret, signedAt))) {
        headers.set(name, value);
      }
    }
    return previous?.(options);
  };
  return source;
}
