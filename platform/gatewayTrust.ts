import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Trust between the gateway and the subgraphs: the gateway forwards the caller's verified
 * identity in `x-gateway-identity` (base64url JSON) with `x-gateway-signature`, an HMAC-SHA256
 * over the identity and a timestamp under a secret only they share. A subgraph accepts a
 * request only with a valid signature younger than `maxAgeMs`, so calling a subgraph directly,
 * or forging or replaying an old header, yields nothing.
 */
export interface Identity {
  subject: string;
  roles: string[];
  /** Location ids the caller may see; `['*']` means every location. */
  locationIds: string[];
  scopes: string[];
}

/** For one machine only: production refuses to start with it (config.ts `envVar.secret`). */
export const devGatewaySecret = 'dev-gateway-shared-secret-not-for-production';

export const IDENTITY_HEADER = 'x-gateway-identity';
export const SIGNATURE_HEADER = 'x-gateway-signature';

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

export function signIdentity(
  identity: Identity,
  secret: string,
  now = Date.now(),
): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify({ ...identity, issuedAt: now })).toString('base64url');
  return { [IDENTITY_HEADER]: encoded, [SIGNATURE_HEADER]: sign(secret, encoded) };
}

export type TrustResult = { ok: true; identity: Identity } | { ok: false; reason: string };

export function verifyIdentity(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  options: { maxAgeMs?: number; now?: number } = {},
): TrustResult {
  const encoded = headers[IDENTITY_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof encoded !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'missing gateway identity' };
  }
  const expected = Buffer.from(sign(secret, encoded));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad gateway signature' };
  }
  let claims: Identity & { issuedAt?: unknown };
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'unreadable gateway identity' };
  }
  const age = (options.now ?? Date.now()) - Number(claims.issuedAt);
  if (!Number.isFinite(age) || age < -5_000 || age > (options.maxAgeMs ?? 60_000)) {
    return { ok: false, reason: 'stale gateway identity' };
  }
  return {
    ok: true,
    identity: {
      subject: String(claims.subject),
      roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
      locationIds: Array.isArray(claims.locationIds) ? claims.locationIds.map(String) : [],
      scopes: Array.isArray(claims.scopes) ? claims.scopes.map(String) : [],
    },
  };
}

/** Whether the identity may see a location. */
export function canSeeLocation(identity: Identity, locationId: string): boolean {
  return identity.locationIds.includes('*') || identity.locationIds.includes(locationId);
}
