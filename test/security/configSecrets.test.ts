import { describe, expect, it } from 'vitest';
import { devJwtSecret } from '../../gateway/auth/tokens.ts';
import { readGatewaySettings } from '../../gateway/settings.ts';
import { ConfigError } from '../../platform/config.ts';
import { devGatewaySecret } from '../../platform/gatewayTrust.ts';
import { readPosSettings } from '../../subgraphs/pos/start.ts';

/** What a misconfigured start prints, or 'started' when it does not refuse. */
function startWith(read: () => unknown): string {
  try {
    read();
    return 'started';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

const ownSecret = 'a-production-secret-of-our-own-0123';

describe('secrets at start', () => {
  it('production refuses the published development secrets, naming the variable', () => {
    const gateway = startWith(() =>
      readGatewaySettings({
        NODE_ENV: 'production',
        JWT_SECRET: devJwtSecret,
        GATEWAY_SHARED_SECRET: ownSecret,
      }),
    );
    expect(gateway).toBe(
      'invalid configuration:\n  JWT_SECRET: is the published development secret; production needs one of its own (got 38 characters)',
    );
    const subgraph = startWith(() =>
      readPosSettings({ NODE_ENV: 'production', GATEWAY_SHARED_SECRET: devGatewaySecret }),
    );
    expect(subgraph).toContain('GATEWAY_SHARED_SECRET: is the published development secret');
    expect(
      startWith(() =>
        readGatewaySettings({
          NODE_ENV: 'production',
          JWT_SECRET: ownSecret,
          GATEWAY_SHARED_SECRET: ownSecret,
        }),
      ),
    ).toBe('started');
  });

  it('production without a secret is refused; development falls back to its own', () => {
    expect(startWith(() => readGatewaySettings({ NODE_ENV: 'production' }))).toContain(
      'JWT_SECRET: must be set to a secret of at least 16 characters in production',
    );
    expect(startWith(() => readGatewaySettings({}))).toBe('started');
  });

  it('a bad secret is never echoed: only its length is', () => {
    const message = startWith(() => readGatewaySettings({ JWT_SECRET: 'short-secret' }));
    expect(message).toContain('JWT_SECRET');
    expect(message).toContain('(got 12 characters)');
    expect(message).not.toContain('short-secret');
  });
});
