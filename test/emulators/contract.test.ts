import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import {
  allPages,
  type SquareResponse,
  squareClient,
  startTestEmulators,
} from './square-client.ts';
import { schemaViolations } from './square-schemas.ts';

let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());

type Api = 'pos' | 'inventory' | 'scheduling';

interface ContractCase {
  endpoint: string;
  api: Api;
  responseSchema: string;
  requestSchema?: string;
  /** Built once the world exists: the path and body to send. */
  request(emulators: Emulators): { path: string; body?: unknown };
}

function sample(emulators: Emulators) {
  const world = emulators.world;
  const [location] = world.locations;
  const orders = [...world.orders.values()];
  const openOrder = orders.find((order) => order.state === 'OPEN');
  const variation = [...world.catalog.values()].find(
    (object) => object.item_variation_data?.track_inventory === true,
  );
  const [member] = world.teamMembers.values();
  const [shift] = world.scheduledShifts.values();
  const [timecard] = world.timecards.values();
  if (!location || !openOrder || !variation || !member || !shift || !timecard)
    throw new Error('seed incomplete');
  return { location, orders, openOrder, variation, member, shift, timecard, world };
}

const cases: ContractCase[] = [
  {
    endpoint: 'GET /v2/locations',
    api: 'pos',
    responseSchema: 'ListLocationsResponse',
    request: () => ({ path: '/v2/locations' }),
  },
  {
    endpoint: 'POST /v2/orders/search',
    api: 'pos',
    requestSchema: 'SearchOrdersRequest',
    responseSchema: 'SearchOrdersResponse',
    request: (e) => ({
      path: '/v2/orders/search',
      body: {
        location_ids: [sample(e).location.id],
        query: {
          filter: {
            state_filter: { states: ['COMPLETED', 'CANCELED'] },
            date_time_filter: {
              closed_at: { start_at: '2025-08-18T00:00:00Z', end_at: '2025-08-20T00:00:00Z' },
            },
          },
          sort: { sort_field: 'CLOSED_AT', sort_order: 'ASC' },
        },
        limit: 25,
      },
    }),
  },
  {
    endpoint: 'POST /v2/orders/search (return_entries)',
    api: 'pos',
    requestSchema: 'SearchOrdersRequest',
    responseSchema: 'SearchOrdersResponse',
    request: (e) => ({
      path: '/v2/orders/search',
      body: { location_ids: [sample(e).location.id], return_entries: true, limit: 10 },
    }),
  },
  {
    endpoint: 'POST /v2/orders/batch-retrieve',
    api: 'pos',
    requestSchema: 'BatchRetrieveOrdersRequest',
    responseSchema: 'BatchRetrieveOrdersResponse',
    request: (e) => ({
      path: '/v2/orders/batch-retrieve',
      body: {
        order_ids: sample(e)
          .orders.slice(0, 20)
          .map((order) => order.id),
      },
    }),
  },
  {
    endpoint: 'GET /v2/orders/{order_id}',
    api: 'pos',
    responseSchema: 'RetrieveOrderResponse',
    request: (e) => ({ path: `/v2/orders/${sample(e).orders[0]?.id}` }),
  },
  {
    endpoint: 'POST /v2/orders',
    api: 'pos',
    requestSchema: 'CreateOrderRequest',
    responseSchema: 'CreateOrderResponse',
    request: (e) => ({
      path: '/v2/orders',
      body: {
        idempotency_key: 'contract-create',
        order: {
          location_id: sample(e).location.id,
          ticket_name: 'Table 4',
          line_items: [
            { catalog_object_id: sample(e).variation.id, quantity: '2', note: 'no onions' },
            {
              name: 'Birthday candle',
              quantity: '1',
              base_price_money: { amount: 50, currency: 'USD' },
            },
          ],
          taxes: [{ name: 'Sales Tax', percentage: '8.5', scope: 'ORDER' }],
          discounts: [{ name: 'Happy Hour', percentage: '10', scope: 'ORDER' }],
        },
      },
    }),
  },
  {
    endpoint: 'PUT /v2/orders/{order_id}',
    api: 'pos',
    requestSchema: 'UpdateOrderRequest',
    responseSchema: 'UpdateOrderResponse',
    request: (e) => {
      const order = sample(e).openOrder;
      return {
        path: `/v2/orders/${order.id}`,
        body: {
          order: { location_id: order.location_id, version: order.version, ticket_name: 'Patio 2' },
          idempotency_key: 'contract-update',
        },
      };
    },
  },
  {
    endpoint: 'POST /v2/catalog/batch-retrieve',
    api: 'pos',
    requestSchema: 'BatchRetrieveCatalogObjectsRequest',
    responseSchema: 'BatchRetrieveCatalogObjectsResponse',
    request: (e) => ({
      path: '/v2/catalog/batch-retrieve',
      body: { object_ids: [sample(e).variation.id], include_related_objects: true },
    }),
  },
  {
    endpoint: 'GET /v2/catalog/list',
    api: 'pos',
    responseSchema: 'ListCatalogResponse',
    request: () => ({ path: '/v2/catalog/list?types=ITEM,CATEGORY' }),
  },
  {
    endpoint: 'POST /v2/inventory/counts/batch-retrieve',
    api: 'inventory',
    requestSchema: 'BatchRetrieveInventoryCountsRequest',
    responseSchema: 'BatchRetrieveInventoryCountsResponse',
    request: (e) => ({
      path: '/v2/inventory/counts/batch-retrieve',
      body: { location_ids: [sample(e).location.id], states: ['IN_STOCK'], limit: 100 },
    }),
  },
  {
    endpoint: 'POST /v2/inventory/changes/batch-create',
    api: 'inventory',
    requestSchema: 'BatchChangeInventoryRequest',
    responseSchema: 'BatchChangeInventoryResponse',
    request: (e) => {
      const { variation, location, world } = sample(e);
      return {
        path: '/v2/inventory/changes/batch-create',
        body: {
          idempotency_key: 'contract-inventory',
          changes: [
            {
              type: 'ADJUSTMENT',
              adjustment: {
                catalog_object_id: variation.id,
                location_id: location.id,
                from_state: 'IN_STOCK',
                to_state: 'WASTE',
                quantity: '1',
                occurred_at: world.clock().toISOString(),
              },
            },
          ],
        },
      };
    },
  },
  {
    endpoint: 'POST /v2/inventory/changes/batch-retrieve',
    api: 'inventory',
    requestSchema: 'BatchRetrieveInventoryChangesRequest',
    responseSchema: 'BatchRetrieveInventoryChangesResponse',
    request: (e) => ({
      path: '/v2/inventory/changes/batch-retrieve',
      body: {
        catalog_object_ids: [sample(e).variation.id],
        types: ['PHYSICAL_COUNT', 'ADJUSTMENT'],
      },
    }),
  },
  {
    endpoint: 'GET /v2/inventory/{catalog_object_id}',
    api: 'inventory',
    responseSchema: 'RetrieveInventoryCountResponse',
    request: (e) => ({
      path: `/v2/inventory/${sample(e).variation.id}?location_ids=${sample(e).location.id}`,
    }),
  },
  {
    endpoint: 'POST /v2/team-members/search',
    api: 'scheduling',
    requestSchema: 'SearchTeamMembersRequest',
    responseSchema: 'SearchTeamMembersResponse',
    request: (e) => ({
      path: '/v2/team-members/search',
      body: {
        query: { filter: { location_ids: [sample(e).location.id], status: 'ACTIVE' } },
        limit: 50,
      },
    }),
  },
  {
    endpoint: 'GET /v2/team-members/{team_member_id}',
    api: 'scheduling',
    responseSchema: 'RetrieveTeamMemberResponse',
    request: (e) => ({ path: `/v2/team-members/${sample(e).member.id}` }),
  },
  {
    endpoint: 'POST /v2/labor/scheduled-shifts/search',
    api: 'scheduling',
    requestSchema: 'SearchScheduledShiftsRequest',
    responseSchema: 'SearchScheduledShiftsResponse',
    request: (e) => ({
      path: '/v2/labor/scheduled-shifts/search',
      body: {
        query: {
          filter: {
            location_ids: [sample(e).location.id],
            start: { start_at: '2025-08-19T00:00:00Z' },
          },
          sort: { field: 'START_AT', order: 'ASC' },
        },
        limit: 20,
      },
    }),
  },
  {
    endpoint: 'GET /v2/labor/scheduled-shifts/{id}',
    api: 'scheduling',
    responseSchema: 'RetrieveScheduledShiftResponse',
    request: (e) => ({ path: `/v2/labor/scheduled-shifts/${sample(e).shift.id}` }),
  },
  {
    endpoint: 'POST /v2/labor/timecards/search',
    api: 'scheduling',
    requestSchema: 'SearchTimecardsRequest',
    responseSchema: 'SearchTimecardsResponse',
    request: (e) => ({
      path: '/v2/labor/timecards/search',
      body: {
        query: { filter: { location_ids: [sample(e).location.id], status: 'CLOSED' } },
        limit: 30,
      },
    }),
  },
  {
    endpoint: 'GET /v2/labor/timecards/{id}',
    api: 'scheduling',
    responseSchema: 'RetrieveTimecardResponse',
    request: (e) => ({ path: `/v2/labor/timecards/${sample(e).timecard.id}` }),
  },
];

describe("every endpoint's success response matches Square's OpenAPI schema", () => {
  it.each(cases)('$endpoint', async (contract) => {
    const { path, body } = contract.request(system);
    if (contract.requestSchema) expect(schemaViolations(contract.requestSchema, body)).toEqual([]);
    const client = squareClient(system[contract.api].url);
    const [method = 'GET'] = contract.endpoint.split(' ');
    const response: SquareResponse = await client.send(method, path, body);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).length).toBeGreaterThan(0);
    expect(schemaViolations(contract.responseSchema, response.body)).toEqual([]);
  });
});

describe('every seeded object matches its schema, page by page', () => {
  const lists: [string, Api, string, string, (cursor: string | undefined) => unknown][] = [
    [
      'orders',
      'pos',
      '/v2/orders/search',
      'SearchOrdersResponse',
      (cursor) => ({ location_ids: system.world.locations.map((l) => l.id), limit: 1000, cursor }),
    ],
    ['catalog', 'pos', '/v2/catalog/list', 'ListCatalogResponse', () => undefined],
    [
      'inventory counts',
      'inventory',
      '/v2/inventory/counts/batch-retrieve',
      'BatchRetrieveInventoryCountsResponse',
      (cursor) => ({ cursor }),
    ],
    [
      'inventory changes',
      'inventory',
      '/v2/inventory/changes/batch-retrieve',
      'BatchRetrieveInventoryChangesResponse',
      (cursor) => ({ cursor }),
    ],
    [
      'team members',
      'scheduling',
      '/v2/team-members/search',
      'SearchTeamMembersResponse',
      (cursor) => ({ limit: 200, cursor }),
    ],
    [
      'scheduled shifts',
      'scheduling',
      '/v2/labor/scheduled-shifts/search',
      'SearchScheduledShiftsResponse',
      (cursor) => ({ cursor }),
    ],
    [
      'timecards',
      'scheduling',
      '/v2/labor/timecards/search',
      'SearchTimecardsResponse',
      (cursor) => ({ cursor }),
    ],
  ];
  it.each(lists)('%s', async (_name, api, path, schema, bodyFor) => {
    const client = squareClient(system[api].url);
    const pages = await allPages((cursor) => {
      const body = bodyFor(cursor);
      return body === undefined
        ? client.get(`${path}${cursor ? `?cursor=${cursor}` : ''}`)
        : client.post(path, body);
    });
    for (const page of pages) expect(schemaViolations(schema, page)).toEqual([]);
  });
});

it("the error envelope matches Square's Error schema", async () => {
  const response = await squareClient(system.pos.url).get('/v2/orders/NOPE');
  expect(response.status).toBe(404);
  expect(schemaViolations('RetrieveOrderResponse', response.body)).toEqual([]);
  expect(response.body.errors).toHaveLength(1);
});
