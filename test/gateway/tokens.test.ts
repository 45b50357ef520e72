import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, mintDevToken } from '../../gateway/auth/tokens.ts';
import { signIdentity, verifyIdentity } from '../../platform/gatewayTrust.ts';

const secret = 'test-secret-of-enough-length-0123456789';
const verifier = createTokenVerifier({ secret });
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return `${(error as { extensions?: { code?: string } }).extensions?.code}: ${(error as Error).message}`;
  }
};

describe('bearer tokens', () => {
  it('a dev token gives the identity its claims and role scopes', async () => {
    const token = await mintDevToken(secret, {
      subject: 'ana',
      role: 'manager',
      locations: ['L1'],
    });
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({
      subject: 'ana',
      roles: ['manager'],
      locationIds: ['L1'],
      scopes: ['labor:read', 'orders:read', 'inventory:read'],
    });
  });

  it('refuses missing, malformed, expired, wrongly signed and alg:none tokens with UNAUTHENTICATED', async () => {
    const expired = await mintDevToken(
      secret,
      { subject: 'a', role: 'staff', locations: ['L1'] },
      '-1s',
    );
    const wrongKey = await mintDevToken('another-secret-entirely-0123456789', {
      subject: 'a',
      role: 'staff',
      locations: ['L1'],
    });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({ sub: 'a', roles: ['manager'], locations: ['*'] }),
    ).toString('base64url');
    expect(await codeOf(verifier.verify(undefined))).toBe('UNAUTHENTICATED: missing bearer token');
    expect(await codeOf(verifier.verify('Bearer not.a.jwt'))).toBe(
      'UNAUTHENTICATED: invalid token',
    );
    expect(await codeOf(verifier.verify(`Bearer ${expired}`))).toBe(
      'UNAUTHENTICATED: token expired',
    );
    expect(await codeOf(verifier.verify(`Bearer ${wrongKey}`))).toBe(
      'UNAUTHENTICATED: invalid token',
    );
    expect(await codeOf(verifier.verify(`Bearer ${header}.${claims}.`))).toBe(
      'UNAUTHENTICATED: invalid token',
    );
  });

  it('refuses a token without a known role or locations', async () => {
    const token = await new SignJWT({ roles: ['janitor'], locations: ['L1'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    expect(await codeOf(verifier.verify(`Bearer ${token}`))).toBe(
      'UNAUTHENTICATED: token lacks sub, a known role or locations',
    );
  });

  it('refuses claims of the wrong shape, a token without exp, and one that lives too long', async () => {
    const sign = (claims: Record<string, unknown>, expiresIn?: string) => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('x');
      return (expiresIn ? jwt.setExpirationTime(expiresIn) : jwt).sign(
        new TextEncoder().encode(secret),
      );
    };
    const outcomes = await Promise.all(
      [
        sign({ roles: ['manager'], locations: [['*']] }, '5m'),
        sign({ roles: 'manager', locations: ['*'] }, '5m'),
        sign({ roles: ['manager'], locations: ['*'] }),
        sign({ roles: ['manager'], locations: ['*'] }, '25h'),
      ].map(async (token) => codeOf(verifier.verify(`Bearer ${await token}`))),
    );
    expect(outcomes).toEqual([
      'UNAUTHENTICATED: invalid token claims: locations',
      'UNAUTHENTICATED: invalid token claims: roles',
      'UNAUTHENTICATED: token has no expiry (exp)',
      'UNAUTHENTICATED: token lives longer than 24 h',
    ]);
  });

  it('checks iss and aud when configured (JWT_ISSUER, JWT_AUDIENCE)', async () => {
    const strict = createTokenVerifier({
      secret,
      issuer: 'https://auth.example.com/',
      audience: 'restaurant-graph',
    });
    const sign = (claims: { iss?: string; aud?: string }) => {
      let jwt = new SignJWT({ roles: ['staff'], locations: ['L1'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime('5m');
      if (claims.iss) jwt = jwt.setIssuer(claims.iss);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      return jwt.sign(new TextEncoder().encode(secret));
    };
    const outcomes = await Promise.all(
      [
        sign({ iss: 'https://auth.example.com/', aud: 'restaurant-graph' }),
        sign({ iss: 'https://evil.example/', aud: 'restaurant-graph' }),
        sign({ iss: 'https://auth.example.com/', aud: 'another-api' }),
        sign({}),
      ].map(async (token) => codeOf(strict.verify(`Bearer ${await token}`))),
    );
    expect(outcomes).toEqual([
      'accepted',
      'UNAUTHENTICATED: token issuer not accepted (iss)',
      'UNAUTHENTICATED: token audience not accepted (aud)',
      'UNAUTHENTICATED: token issuer not accepted (iss)',
    ]);
    // Unconfigured, neither is required.
    expect(await codeOf(verifier.verify(`Bearer ${await sign({})}`))).toBe('accepted');
  });
});

describe('bearer tokens from a JWKS URL', () => {
  let server: Server;
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  it('verifies an RS256 token against the keys the JWKS URL serves', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const jwks = createTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const token = await new SignJWT({ roles: ['analyst'], locations: ['*'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('ivy')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await jwks.verify(`Bearer ${token}`)).roles).toEqual(['analyst']);
    const hs = await mintDevToken(secret, { subject: 'x', role: 'manager', locations: ['*'] });
    expect(await codeOf(jwks.verify(`Bearer ${hs}`))).toBe('UNAUTHENTICATED: invalid token');
  });
});

describe('gateway trust header', () => {
  const identity = {
    subject: 'ana',
    roles: ['staff'],
    locationIds: ['L1'],
    scopes: ['orders:read'],
  };

  it('a signed identity verifies; a forged, tampered or replayed one does not', () => {
    const now = 1_000_000;
    const headers = signIdentity(identity, 'shared', now);
    expect(verifyIdentity(headers, 'shared', { now })).toEqual({ ok: true, identity });
    expect(verifyIdentity(headers, 'other', { now })).toEqual({
      ok: false,
      reason: 'bad gateway signature',
    });
    const tampered = signIdentity({ ...identity, locationIds: ['*'] }, 'forger', now);
    expect(
      verifyIdentity(
        { ...headers, 'x-gateway-identity': tampered['x-gateway-identity'] },
        'shared',
        { now },
      ),
    ).toEqual({ ok: false, reason: 'bad gateway signature' });
    expect(verifyIdentity(headers, 'shared', { now: now + 61_000 })).toEqual({
      ok: false,
      reason: 'stale gateway identity',
    });
    expect(verifyIdentity({}, 'shared')).toEqual({ ok: false, reason: 'missing gateway identity' });
  });
});
