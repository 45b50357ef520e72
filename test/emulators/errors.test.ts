import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import { squareClient, squareErrorBody, startTestEmulators } from './square-client.ts';

let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());

const invalid = (code: string, field?: string) => ({
  status: 400,
  body: squareErrorBody('INVALID_REQUEST_ERROR', code, field),
});
const ids = (count: number) => Array.from({ length: count }, (_, index) => `ID${index}`);

describe('authentication', () => {
  it('a request without a token is 401 UNAUTHORIZED', async () => {
    const response = await squareClient(system.pos.url, null).get('/v2/locations');
    expect(response).toEqual({
      status: 401,
      body: squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED'),
    });
  });

  it('a request with a wrong token is 401 UNAUTHORIZED', async () => {
    const response = await squareClient(system.scheduling.url, 'stolen').post(
      '/v2/team-members/search',
      {},
    );
    expect(response).toEqual({
      status: 401,
      body: squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED'),
    });
  });

  it('a token without the Bearer scheme is 401 UNAUTHORIZED', async () => {
    const response = await fetch(`${system.inventory.url}/v2/inventory/counts/batch-retrieve`, {
      method: 'POST',
      headers: { authorization: 'test-square-token', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });
});

describe('batch sizes and page sizes over the vendor limits', () => {
  const locationIds = () => system.world.locations.map((location) => location.id);
  it.each([
    [
      '101 order ids',
      'pos',
      '/v2/orders/batch-retrieve',
      () => ({ order_ids: ids(101) }),
      'ARRAY_LENGTH_TOO_LONG',
      'order_ids',
    ],
    [
      '11 search locations',
      'pos',
      '/v2/orders/search',
      () => ({ location_ids: ids(11) }),
      'ARRAY_LENGTH_TOO_LONG',
      'location_ids',
    ],
    [
      '1001 catalog ids',
      'pos',
      '/v2/catalog/batch-retrieve',
      () => ({ object_ids: ids(1001) }),
      'ARRAY_LENGTH_TOO_LONG',
      'object_ids',
    ],
    [
      'orders limit 1001',
      'pos',
      '/v2/orders/search',
      () => ({ location_ids: locationIds(), limit: 1001 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
    [
      'orders limit 0',
      'pos',
      '/v2/orders/search',
      () => ({ location_ids: locationIds(), limit: 0 }),
      'VALUE_TOO_LOW',
      'limit',
    ],
    [
      'counts limit 1001',
      'inventory',
      '/v2/inventory/counts/batch-retrieve',
      () => ({ limit: 1001 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
    [
      'changes limit 1001',
      'inventory',
      '/v2/inventory/changes/batch-retrieve',
      () => ({ limit: 1001 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
    [
      '101 inventory changes',
      'inventory',
      '/v2/inventory/changes/batch-create',
      () => ({ idempotency_key: 'k', changes: ids(101).map(() => ({})) }),
      'ARRAY_LENGTH_TOO_LONG',
      'changes',
    ],
    [
      'team members limit 201',
      'scheduling',
      '/v2/team-members/search',
      () => ({ limit: 201 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
    [
      'scheduled shifts limit 51',
      'scheduling',
      '/v2/labor/scheduled-shifts/search',
      () => ({ limit: 51 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
    [
      'timecards limit 201',
      'scheduling',
      '/v2/labor/timecards/search',
      () => ({ limit: 201 }),
      'VALUE_TOO_HIGH',
      'limit',
    ],
  ] as const)('%s is 400 %s', async (_name, api, path, body, code, field) => {
    const response = await squareClient(system[api].url).post(path, body());
    expect(response).toEqual(invalid(code, field));
  });

  it('exactly 100 order ids are fine, and unknown ones are silently left out', async () => {
    const known = [...system.world.orders.keys()].slice(0, 60);
    const response = await squareClient(system.pos.url).post('/v2/orders/batch-retrieve', {
      order_ids: [...known, ...ids(40)],
    });
    expect(response.status).toBe(200);
    expect(response.body.orders.map((order: { id: string }) => order.id)).toEqual(known);
  });
});

describe('unknown ids and routes', () => {
  it.each([
    ['pos', '/v2/orders/UNKNOWN'],
    ['inventory', '/v2/inventory/UNKNOWN'],
    ['scheduling', '/v2/team-members/UNKNOWN'],
    ['scheduling', '/v2/labor/scheduled-shifts/UNKNOWN'],
    ['scheduling', '/v2/labor/timecards/UNKNOWN'],
    ['pos', '/v2/payments'],
  ] as const)('%s GET %s is 404 NOT_FOUND', async (api, path) => {
    const response = await squareClient(system[api].url).get(path);
    expect(response).toEqual({
      status: 404,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND'),
    });
  });

  it('updating an unknown order is 404 NOT_FOUND', async () => {
    const response = await squareClient(system.pos.url).put('/v2/orders/UNKNOWN', {
      order: { version: 1 },
    });
    expect(response).toEqual({
      status: 404,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND'),
    });
  });

  it('a known path with the wrong method is 405 METHOD_NOT_ALLOWED', async () => {
    const response = await squareClient(system.pos.url).send('DELETE', '/v2/orders/ANY');
    expect(response).toEqual({
      status: 405,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'METHOD_NOT_ALLOWED'),
    });
  });
});

describe('malformed requests', () => {
  it('a body that is not JSON is 400 BAD_REQUEST', async () => {
    const response = await squareClient(system.pos.url).post(
      '/v2/orders/search',
      '{"location_ids": [',
    );
    expect(response).toEqual(invalid('BAD_REQUEST'));
  });

  it('a JSON body that is not an object is 400 EXPECTED_JSON_BODY', async () => {
    const response = await squareClient(system.pos.url).post('/v2/orders/search', '[1, 2]');
    expect(response).toEqual(invalid('EXPECTED_JSON_BODY'));
  });

  it.each([
    ['a missing location_ids', {}, 'MISSING_REQUIRED_PARAMETER', 'location_ids'],
    ['a string limit', { location_ids: ['L'], limit: '10' }, 'EXPECTED_INTEGER', 'limit'],
    [
      'an unknown state',
      { location_ids: ['L'], query: { filter: { state_filter: { states: ['PAID'] } } } },
      'INVALID_ENUM_VALUE',
      'query.filter.state_filter.states[0]',
    ],
    [
      'a bad time',
      {
        location_ids: ['L'],
        query: { filter: { date_time_filter: { created_at: { start_at: 'yesterday' } } } },
      },
      'INVALID_TIME',
      'query.filter.date_time_filter.created_at.start_at',
    ],
    [
      'a time filter sorted on another field',
      {
        location_ids: ['L'],
        query: {
          filter: { date_time_filter: { closed_at: { start_at: '2025-08-19T00:00:00Z' } } },
        },
      },
      'INVALID_VALUE',
      'query.sort.sort_field',
    ],
  ] as const)('orders search with %s is 400 %s', async (_name, body, code, field) => {
    const response = await squareClient(system.pos.url).post('/v2/orders/search', body);
    expect(response).toEqual(invalid(code, field));
  });

  it('an inventory batch without an idempotency key is 400 MISSING_REQUIRED_PARAMETER', async () => {
    const response = await squareClient(system.inventory.url).post(
      '/v2/inventory/changes/batch-create',
      { changes: [] },
    );
    expect(response).toEqual(invalid('MISSING_REQUIRED_PARAMETER', 'idempotency_key'));
  });

  it('an unknown catalog type is 400 INVALID_ENUM_VALUE', async () => {
    const response = await squareClient(system.pos.url).get('/v2/catalog/list?types=ITEM,SANDWICH');
    expect(response).toEqual(invalid('INVALID_ENUM_VALUE', 'types'));
  });
});
