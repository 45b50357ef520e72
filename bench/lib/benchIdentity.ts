import { mintDevToken, scopesOfRole } from '../../gateway/auth/tokens.ts';
import { type Identity, signIdentity } from '../../platform/gatewayTrust.ts';

/**
 * Who the benchmark's requests come from. OUR gateway authenticates every caller (a bearer
 * token) and signs the caller's identity onto each subgraph call; the restaurant subgraphs
 * accept no call without that signature. The peers do neither, so for workload (b) the load
 * generator sends them the signed identity headers OUR gateway would have added, and they
 * forward those two headers to the subgraphs, as a deployment of them in front of these
 * subgraphs would have to. Every gateway gets the same headers; each uses what it needs.
 */
export const benchSecrets = {
  jwt: 'bench-jwt-secret-0123456789abcdef',
  gateway: 'bench-gateway-shared-secret-0123456789',
};

/** The environment every gateway and the restaurant system are started with. */
export const benchSecretsEnv = {
  JWT_SECRET: benchSecrets.jwt,
  GATEWAY_SHARED_SECRET: benchSecrets.gateway,
};

const identity: Identity = {
  subject: 'bench-manager',
  roles: ['manager'],
  locationIds: ['*'],
  scopes: [...scopesOfRole.manager],
};

export function benchBearerToken(): Promise<string> {
  return mintDevToken(
    benchSecrets.jwt,
    { subject: identity.subject, role: 'manager', locations: identity.locationIds },
    '24h',
  );
}

/**
 * The identity headers a subgraph accepts for about a minute after `now`
 * (platform/gatewayTrust.ts): signed afresh before every load run.
 */
export function signedIdentityHeaders(now = Date.now()): Record<string, string> {
  return signIdentity(identity, benchSecrets.gateway, now);
}
