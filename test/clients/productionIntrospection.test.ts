import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { productionSettings, startTestSystem } from '../system.ts';

// Each test file runs in its own process: this one's services run as production.
process.env.NODE_ENV = 'production';

/** What GraphQL Code Generator and schema tools send, against a production gateway. */
describe('introspection in production', () => {
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      world: createWorld({ seed: 28, now: new Date('2026-11-26T12:00:00Z') }),
      settings: productionSettings(),
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const introspect = async (role: 'analyst' | 'staff') => {
    const response = await fetch(system.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${await system.mintToken(role, ['*'])}`,
      },
      body: JSON.stringify({
        query:
          'query IntrospectionQuery { __schema { queryType { name } subscriptionType { name } types { name } } }',
      }),
    });
    return { status: response.status, body: await response.json() };
  };

  it('answers an analyst (INTROSPECTION=analysts is the production default)', async () => {
    const { status, body } = await introspect('analyst');
    expect(status).toBe(200);
    expect(body.data.__schema.queryType).toEqual({ name: 'Query' });
    expect(body.data.__schema.subscriptionType).toEqual({ name: 'Subscription' });
    expect(body.data.__schema.types.map((t: { name: string }) => t.name)).toContain('Order');
  });

  it('refuses staff with INTROSPECTION_DISABLED', async () => {
    expect(await introspect('staff')).toEqual({
      status: 403,
      body: {
        errors: [
          {
            message: 'introspection is only for analysts here',
            extensions: { code: 'INTROSPECTION_DISABLED' },
          },
        ],
      },
    });
  });
});
