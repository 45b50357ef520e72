import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { startTestSystem } from '../system.ts';

/** DateTime arguments are validated before any vendor call: no object or junk reaches it. */
const world = createWorld({ seed: 36, now: new Date('2026-11-26T12:00:00Z') });
const locationId = world.locations[0]?.id ?? '';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem({ world });
});
afterAll(async () => {
  await system?.close();
});

const shifts = `query Shifts($id: ID!, $from: DateTime!, $to: DateTime!) {
  location(id: $id) { scheduledShifts(from: $from, to: $to) { id } }
}`;

describe('DateTime arguments', () => {
  it.each([
    ['an object', { $gt: '' }],
    ['a number', 1_764_158_400_000],
    ['a date without a time', '2026-11-26'],
    ['a time without an offset', '2026-11-26T12:00:00'],
    ['junk', '2026-13-45T99:99:99Z; DROP'],
  ])('%s is refused with BAD_USER_INPUT, and the vendor is not called', async (_name, from) => {
    system.emulators.scheduling.calls.reset();
    const { body } = await postGraphQL(system.gateway.url, shifts, {
      id: locationId,
      from,
      to: '2026-11-27T00:00:00Z',
    });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors?.[0]?.message).toMatch(/DateTime must be an RFC 3339 date-time/);
    expect(system.emulators.scheduling.calls.count('POST /v2/labor/scheduled-shifts/search')).toBe(
      0,
    );
  });

  it('a well-formed one reaches the vendor once', async () => {
    system.emulators.scheduling.calls.reset();
    const { body } = await postGraphQL(system.gateway.url, shifts, {
      id: locationId,
      from: '2026-11-26T00:00:00Z',
      to: '2026-11-27T00:00:00+01:00',
    });
    expect(body.errors).toBeUndefined();
    expect(system.emulators.scheduling.calls.count('POST /v2/labor/scheduled-shifts/search')).toBe(
      1,
    );
  });
});
