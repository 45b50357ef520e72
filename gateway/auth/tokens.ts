import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ErrorCode } from '../../platform/errors.ts';
import type { Identity } from '../../platform/gatewayTrust.ts';

/**
 * Caller authentication with `jose`: an HS256 shared secret in development, a JWKS URL
 * (RS256/ES256) in production. Claims: `sub`, `roles` (manager, staff, analyst) and
 * `locations` (location ids, or `*`). Scopes for `@requiresScopes` follow from the roles.
 */
export const roles = ['manager', 'staff', 'analyst'] as const;
export type Role = (typeof roles)[number];

/** What each role may read beyond the default fields, as `@requiresScopes` scopes. */
export const scopesOfRole: Record<Role, readonly string[]> = {
  manager: ['labor:read', 'orders:read', 'inventory:read'],
  staff: ['orders:read', 'inventory:read'],
  analyst: ['orders:read', 'inventory:read', 'introspection'],
};

/** For one machine only: production refuses to start without JWT_SECRET or JWKS_URL. */
export const devJwtSecret = 'dev-jwt-secret-not-for-production-0123';

export type TokenSource = { secret: string } | { jwksUrl: string };

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Identity>;
  /** The same check, with when the token expires (epoch ms; undefined: it does not). */
  verifyUntil(
    authorization: string | undefined,
  ): Promise<{ identity: Identity; expiresAt: number | undefined }>;
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

export function createTokenVerifier(source: TokenSource): TokenVerifier {
  const key =
    'secret' in source
      ? { kind: 'secret' as const, value: new TextEncoder().encode(source.secret) }
      : { kind: 'jwks' as const, value: createRemoteJWKSet(new URL(source.jwksUrl)) };
  const verifier: TokenVerifier = {
    async verify(authorization) {
      return (await verifier.verifyUntil(authorization)).identity;
    },
    async verifyUntil(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token) throw unauthenticated('missing bearer token');
      let payload: JWTPayload;
      try {
        ({ payload } =
          key.kind === 'secret'
            ? await jwtVerify(token, key.value, { algorithms: ['HS256'] })
            : await jwtVerify(token, key.value, { algorithms: ['RS256', 'ES256'] }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw unauthenticated('token expired');
        throw unauthenticated('invalid token');
      }
      return {
        identity: identityFrom(payload),
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
      };
    },
  };
  return verifier;
}

function identityFrom(payload: JWTPayload): Identity {
  const claimed = Array.isArray(payload.roles) ? payload.roles : [];
  const known = roles.filter((role) => claimed.includes(role));
  const locations = Array.isArray(payload.locations) ? payload.locations.map(String) : [];
  if (!payload.sub || known.length === 0 || locations.length === 0) {
    throw unauthenticated('token lacks sub, a known role or locations');
  }
  return {
    subject: payload.sub,
    roles: known,
    locationIds: locations,
    scopes: [...new Set(known.flatMap((role) => scopesOfRole[role]))],
  };
}

/** A development token (HS256) for one role, valid for `expiresIn` (default 12 h). */
export function mintDevToken(
  secret: string,
  claims: { subject: string; role: Role; locations: readonly string[] },
  expiresIn = '12h',
): Promise<string> {
  return new SignJWT({ roles: [claims.role], locations: [...claims.locations] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
