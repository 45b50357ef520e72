import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
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

export type TokenSource = ({ secret: string } | { jwksUrl: string }) & {
  /** When set (JWT_ISSUER), a token's `iss` must be exactly this. */
  issuer?: string | undefined;
  /** When set (JWT_AUDIENCE), a token's `aud` must name this. */
  audience?: string | undefined;
};

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

/** The longest a caller token may still be valid for, unless configured. */
export const defaultMaxTokenLifetimeMs = 24 * 60 * 60_000;

export function createTokenVerifier(
  source: TokenSource,
  maxLifetimeMs = defaultMaxTokenLifetimeMs,
): TokenVerifier {
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
      // A token without `exp` would be good forever, so one is required.
      const checks = {
        requiredClaims: ['exp'],
        ...(source.issuer ? { issuer: source.issuer } : {}),
        ...(source.audience ? { audience: source.audience } : {}),
      };
      try {
        ({ payload } =
          key.kind === 'secret'
            ? await jwtVerify(token, key.value, { algorithms: ['HS256'], ...checks })
            : await jwtVerify(token, key.value, { algorithms: ['RS256', 'ES256'], ...checks }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw unauthenticated('token expired');
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp') {
          throw unauthenticated('token has no expiry (exp)');
        }
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') {
          throw unauthenticated('token issuer not accepted (iss)');
        }
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
          throw unauthenticated('token audience not accepted (aud)');
        }
        throw unauthenticated('invalid token');
      }
      const expiresAt = (payload.exp as number) * 1000;
      if (expiresAt - Date.now() > maxLifetimeMs) {
        throw unauthenticated(`token lives longer than ${maxLifetimeMs / 3_600_000} h`);
      }
      return { identity: identityFrom(payload), expiresAt };
    },
  };
  return verifier;
}

/** The claims as they must be: read as they are, never coerced (`[["*"]]` is not `["*"]`). */
const claimsSchema = z.object({
  sub: z.string().min(1).optional(),
  roles: z.array(z.string()).optional(),
  locations: z.array(z.string().min(1)).optional(),
});

function identityFrom(payload: JWTPayload): Identity {
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const names = [...new Set(claims.error.issues.map((issue) => String(issue.path[0])))];
    throw unauthenticated(`invalid token claims: ${names.join(', ')}`);
  }
  const claimed = claims.data.roles ?? [];
  const known = roles.filter((role) => claimed.includes(role));
  const locations = claims.data.locations ?? [];
  if (!claims.data.sub || known.length === 0 || locations.length === 0) {
    throw unauthenticated('token lacks sub, a known role or locations');
  }
  return {
    subject: claims.data.sub,
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
