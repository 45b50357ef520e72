import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../emulators/index.ts';
import {
  allPages,
  type SquareClient,
  type SquareResponse,
  squareClient,
  squareErrorBody,
  startTestEmulators,
} from './square-client.ts';

let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());

interface Listing {
  name: string;
  api: 'pos' | 'inventory' | 'scheduling';
  /** Fetches one page of a small page size. */
  page(client: SquareClient, cursor: string | undefined): ReturnType<SquareClient['post']>;
  listName: string;
  idOf(entry: SquareResponse['body']): string;
  /** The ids the world holds for this listing. */
  expected(system: Emulators): string[];
}

const allLocations = () => system.world.locations.map((location) => location.id);
const countKey = (count: SquareResponse['body']): string =>
  `${count.catalog_object_id}:${count.location_id}:${count.state}`;

const listings: Listing[] = [
  {
    name: 'orders search',
    api: 'pos',
    page: (client, cursor) =>
      client.post('/v2/orders/search', { location_ids: allLocations(), limit: 97, cursor }),
    listName: 'orders',
    idOf: (order) => order.id,
    expected: (s) => [...s.world.orders.keys()],
  },
  {
    name: 'catalog list',
    api: 'pos',
    page: (client, cursor) => client.get(`/v2/catalog/list${cursor ? `?cursor=${cursor}` : ''}`),
    listName: 'objects',
    idOf: (object) => object.id,
    expected: (s) => [...s.world.catalog.keys()],
  },
  {
    name: 'inventory counts',
    api: 'inventory',
    page: (client, cursor) =>
      client.post('/v2/inventory/counts/batch-retrieve', { limit: 50, cursor }),
    listName: 'counts',
    idOf: countKey,
    expected: (s) => [...s.world.inventoryCounts.values()].map(countKey),
  },
  {
    name: 'inventory changes',
    api: 'inventory',
    page: (client, cursor) =>
      client.post('/v2/inventory/changes/batch-retrieve', { limit: 400, cursor }),
    listName: 'changes',
    idOf: (change) => change.adjustment?.id ?? change.physical_count.id,
    expected: (s) =>
      s.world.inventoryChanges.map((change) =>
        change.type === 'ADJUSTMENT' ? change.adjustment.id : change.physical_count.id,
      ),
  },
  {
    name: 'team members',
    api: 'scheduling',
    page: (client, cursor) => client.post('/v2/team-members/search', { limit: 7, cursor }),
    listName: 'team_members',
    idOf: (member) => member.id,
    expected: (s) => [...s.world.teamMembers.keys()],
  },
  {
    name: 'scheduled shifts',
    api: 'scheduling',
    page: (client, cursor) =>
      client.post('/v2/labor/scheduled-shifts/search', { limit: 50, cursor }),
    listName: 'scheduled_shifts',
    idOf: (shift) => shift.id,
    expected: (s) => [...s.world.scheduledShifts.keys()],
  },
  {
    name: 'timecards',
    api: 'scheduling',
    page: (client, cursor) => client.post('/v2/labor/timecards/search', { limit: 20, cursor }),
    listName: 'timecards',
    idOf: (timecard) => timecard.id,
    expected: (s) => [...s.world.timecards.keys()],
  },
];

describe('cursors page through every result exactly once', () => {
  it.each(listings)('$name', async (listing) => {
    const client = squareClient(system[listing.api].url);
    const pages = await allPages((cursor) => listing.page(client, cursor));
    const ids = pages.flatMap((page) => (page[listing.listName] ?? []).map(listing.idOf));
    const expected = listing.expected(system);
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    // Only the last page comes without a cursor, and no page is empty.
    expect(pages.map((page) => page.cursor === undefined)).toEqual(
      pages.map((_, index) => index === pages.length - 1),
    );
    for (const page of pages) expect(page[listing.listName]?.length).toBeGreaterThan(0);
  });
});

it('gives no cursor when one page holds every result', async () => {
  const [location] = system.world.locations;
  const atLocation = [...system.world.orders.values()].filter(
    (order) => order.location_id === location?.id,
  );
  const response = await squareClient(system.pos.url).post('/v2/orders/search', {
    location_ids: [location?.id],
    limit: 1000,
  });
  expect(response.body.orders).toHaveLength(atLocation.length);
  expect(response.body.cursor).toBeUndefined();
});

it('lets the page size change between pages of one query', async () => {
  const client = squareClient(system.scheduling.url);
  const first = await client.post('/v2/team-members/search', { limit: 5 });
  const second = await client.post('/v2/team-members/search', {
    limit: 10,
    cursor: first.body.cursor,
  });
  const all = await client.post('/v2/team-members/search', { limit: 15 });
  expect([...first.body.team_members, ...second.body.team_members]).toEqual(all.body.team_members);
});

describe('a cursor only works for the query that produced it', () => {
  it('a garbage cursor is INVALID_CURSOR', async () => {
    const response = await squareClient(system.scheduling.url).post('/v2/labor/timecards/search', {
      cursor: 'not-a-cursor',
    });
    expect(response).toEqual({
      status: 400,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'cursor'),
    });
  });

  it('a cursor replayed with a changed query is INVALID_CURSOR', async () => {
    const client = squareClient(system.pos.url);
    const [first, second] = allLocations();
    const page = await client.post('/v2/orders/search', { location_ids: [first], limit: 10 });
    const replay = await client.post('/v2/orders/search', {
      location_ids: [second],
      limit: 10,
      cursor: page.body.cursor,
    });
    expect(replay).toEqual({
      status: 400,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'cursor'),
    });
  });

  it("another endpoint's cursor is INVALID_CURSOR", async () => {
    const client = squareClient(system.scheduling.url);
    const page = await client.post('/v2/team-members/search', { limit: 5 });
    const replay = await client.post('/v2/labor/timecards/search', { cursor: page.body.cursor });
    expect(replay.status).toBe(400);
    expect(replay.body.errors[0].code).toBe('INVALID_CURSOR');
  });

  it('a GET listing checks its query parameters too', async () => {
    const client = squareClient(system.pos.url);
    const page = await client.get('/v2/catalog/list?types=ITEM');
    const replay = await client.get(`/v2/catalog/list?types=CATEGORY&cursor=${page.body.cursor}`);
    expect(replay).toEqual({
      status: 400,
      body: squareErrorBody('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'cursor'),
    });
  });
});

describe('results come in the vendor order', () => {
  it('orders are newest first by default', async () => {
    const response = await squareClient(system.pos.url).post('/v2/orders/search', {
      location_ids: allLocations(),
      limit: 200,
    });
    const times: string[] = response.body.orders.map(
      (order: { created_at: string }) => order.created_at,
    );
    expect(times).toEqual([...times].sort().reverse());
  });

  it('scheduled shifts are by start time, ascending', async () => {
    const response = await squareClient(system.scheduling.url).post(
      '/v2/labor/scheduled-shifts/search',
      {},
    );
    const starts: number[] = response.body.scheduled_shifts.map(
      (shift: {
        published_shift_details?: { start_at: string };
        draft_shift_details: { start_at: string };
      }) => Date.parse((shift.published_shift_details ?? shift.draft_shift_details).start_at),
    );
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('inventory counts are newest calculated_at first', async () => {
    const response = await squareClient(system.inventory.url).post(
      '/v2/inventory/counts/batch-retrieve',
      {},
    );
    const times: string[] = response.body.counts.map(
      (count: { calculated_at: string }) => count.calculated_at,
    );
    expect(times).toEqual([...times].sort().reverse());
  });
});
