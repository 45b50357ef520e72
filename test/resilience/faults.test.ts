import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultsByEmulator } from '../../emulators/faultsAdmin.ts';
import type { Emulators } from '../../emulators/index.ts';
import { squareClient, startTestEmulators, TOKEN } from '../emulators/square-client.ts';
import { spawnService } from '../processes.ts';

let system: Emulators;
beforeAll(async () => {
  system = await startTestEmulators();
});
afterAll(() => system.close());
afterEach(() => {
  for (const emulator of [system.pos, system.inventory, system.scheduling]) {
    emulator.faults.clear();
    emulator.calls.reset();
  }
});

const pos = () => squareClient(system.pos.url);
const statuses = async (count: number, path = '/v2/locations') => {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await pos().get(path)).status);
  return seen;
};

describe('emulator fault switches', () => {
  it('an error rate without a seed hits evenly spread calls: 0.3 fails calls 4, 7, 10 of ten', async () => {
    system.pos.faults.set([{ kind: 'error', rate: 0.3 }]);
    const seen = await statuses(100);
    expect(seen.slice(0, 10)).toEqual([200, 200, 200, 500, 200, 200, 500, 200, 200, 500]);
    expect(seen.filter((status) => status === 500)).toHaveLength(30);
  });

  it('an error rate with a seed draws the same calls on every run', async () => {
    system.pos.faults.set([{ kind: 'error', status: 503, rate: 0.3, seed: 42 }]);
    const first = await statuses(50);
    system.pos.faults.set([{ kind: 'error', status: 503, rate: 0.3, seed: 42 }]);
    expect(await statuses(50)).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('a 503 and a 429 carry Square error envelopes; the 429 a Retry-After only when asked', async () => {
    system.pos.faults.set([{ kind: 'error', status: 503 }]);
    expect((await pos().get('/v2/locations')).body).toEqual({
      errors: [
        { category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE', detail: 'Service unavailable.' },
      ],
    });
    system.pos.faults.set([{ kind: 'rateLimit', retryAfterSeconds: 2 }]);
    const limited = await fetch(`${system.pos.url}/v2/locations`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as { errors: object[] }).errors[0]).toMatchObject({
      category: 'RATE_LIMIT_ERROR',
      code: 'RATE_LIMITED',
    });
    system.pos.faults.set([{ kind: 'rateLimit' }]);
    const bare = await fetch(`${system.pos.url}/v2/locations`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
  });

  it('a rule for one endpoint leaves the others alone; latency adds to the answer time', async () => {
    system.pos.faults.set([
      { kind: 'outage', endpoint: 'POST /v2/orders/search' },
      { kind: 'latency', ms: 150, endpoint: 'GET /v2/locations' },
    ]);
    const started = performance.now();
    expect((await pos().get('/v2/locations')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const search = await pos().post('/v2/orders/search', {
      location_ids: [system.world.locations[0]?.id],
    });
    expect(search.status).toBe(503);
    expect(system.pos.calls.list().map((call) => [call.endpoint, call.status])).toEqual([
      ['GET /v2/locations', 200],
      ['POST /v2/orders/search', 503],
    ]);
  });

  it('a hang never answers: the client gives up, the call is logged with status 0', async () => {
    system.pos.faults.set([{ kind: 'hang' }]);
    const started = performance.now();
    await expect(
      fetch(`${system.pos.url}/v2/locations`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow(/timeout|aborted/i);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(system.pos.calls.list()).toEqual([
      { endpoint: 'GET /v2/locations', status: 0, body: {} },
    ]);
  });

  it('a drop destroys the connection without an answer', async () => {
    system.pos.faults.set([{ kind: 'drop' }]);
    await expect(pos().get('/v2/locations')).rejects.toThrow(/fetch failed/);
    expect(system.pos.calls.count('GET /v2/locations')).toBe(1);
  });

  it('a drop after handling applies the write and loses only the answer; its key replays it', async () => {
    const variation = [...system.world.catalog.values()].find(
      (object) => object.item_variation_data?.track_inventory,
    );
    const locationId = system.world.locations[0]?.id;
    const count = () =>
      Number(
        system.world.inventoryCounts.get(`${variation?.id}:${locationId}:IN_STOCK`)?.quantity ??
          '0',
      );
    const before = count();
    const write = {
      idempotency_key: 'dropped-answer-1',
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: {
            catalog_object_id: variation?.id,
            location_id: locationId,
            from_state: 'NONE',
            to_state: 'IN_STOCK',
            quantity: '3',
            occurred_at: system.world.clock().toISOString(),
          },
        },
      ],
    };
    system.inventory.faults.set([
      { kind: 'drop', afterHandling: true, endpoint: 'POST /v2/inventory/changes/batch-create' },
    ]);
    const inventory = squareClient(system.inventory.url);
    await expect(inventory.post('/v2/inventory/changes/batch-create', write)).rejects.toThrow();
    expect(count()).toBe(before + 3);
    system.inventory.faults.clear();
    const replay = await inventory.post('/v2/inventory/changes/batch-create', write);
    expect(replay.status).toBe(200);
    expect(count()).toBe(before + 3);
  });

  it('a quota answers 429 to calls beyond its bucket', async () => {
    system.pos.faults.set([{ kind: 'quota', perSecond: 1, burst: 3, retryAfterSeconds: 1 }]);
    expect(await statuses(5)).toEqual([200, 200, 200, 429, 429]);
  });

  it('an outage answers 503 to every call, fast, and logs each one', async () => {
    system.scheduling.faults.set([{ kind: 'outage' }]);
    const scheduling = squareClient(system.scheduling.url);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => scheduling.post('/v2/team-members/search', {})),
    );
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503, 503, 503]);
    expect(system.scheduling.calls.count('POST /v2/team-members/search')).toBe(5);
  });
});

describe('switching faults', () => {
  const admin = (method: string, body?: unknown) =>
    fetch(`${system.pos.url}/__admin/faults`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));

  it('POST /__admin/faults replaces the rules, GET lists them, DELETE clears them', async () => {
    const rules = [{ kind: 'error', status: 503, rate: 0.5, endpoint: 'GET /v2/locations' }];
    expect(await admin('POST', { faults: rules })).toEqual({
      status: 200,
      body: { faults: rules },
    });
    expect(await admin('GET')).toEqual({ status: 200, body: { faults: rules } });
    expect(await statuses(4)).toEqual([200, 503, 200, 503]);
    expect(await admin('DELETE')).toEqual({ status: 200, body: { faults: [] } });
    expect(await statuses(2)).toEqual([200, 200]);
    // Admin calls are not API calls.
    expect(system.pos.calls.count()).toBe(6);
  });

  it('a bad rule is a 400 that names it, and leaves the rules as they were', async () => {
    await admin('POST', { faults: [{ kind: 'outage' }] });
    const refused = await admin('POST', { faults: [{ kind: 'error', rate: 3 }] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toBe(
      'fault {"kind":"error","rate":3}: rate must be between 0 and 1',
    );
    expect((await admin('GET')).body).toEqual({ faults: [{ kind: 'outage' }] });
  });

  it('EMULATOR_FAULTS gives each emulator its rules, `*` to all of them', () => {
    expect(
      parseFaultsByEmulator(
        '{"*":[{"kind":"latency","ms":5}],"inventory":[{"kind":"error","rate":0.3}]}',
      ),
    ).toEqual({
      pos: [{ kind: 'latency', ms: 5 }],
      inventory: [
        { kind: 'latency', ms: 5 },
        { kind: 'error', rate: 0.3 },
      ],
      scheduling: [{ kind: 'latency', ms: 5 }],
    });
    expect(() => parseFaultsByEmulator('{"payroll":[]}')).toThrow(
      'unknown emulator "payroll" (pos, inventory, scheduling, *)',
    );
  });

  it('npm run start:emulators switches EMULATOR_FAULTS on at start, and refuses a bad one', async () => {
    const ports = { POS_EMULATOR_PORT: '0', INVENTORY_EMULATOR_PORT: '0' };
    const emulators = spawnService('emulators/main.ts', {
      ...ports,
      EMULATORS: 'pos',
      EMULATOR_FAULTS: '{"pos":[{"kind":"outage"}]}',
    });
    try {
      const [, url] = await emulators.waitFor(/pos emulator listening at (http:\/\/\S+)/);
      expect((await squareClient(url ?? '', 'dev-square-token').get('/v2/locations')).status).toBe(
        503,
      );
    } finally {
      await emulators.stop();
    }
    const refused = spawnService('emulators/main.ts', {
      ...ports,
      EMULATOR_FAULTS: '{"pos":[{"kind":"flood"}]}',
    });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('invalid EMULATOR_FAULTS: fault {"kind":"flood"}');
  });
});
