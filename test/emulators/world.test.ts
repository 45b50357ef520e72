import { describe, expect, it } from 'vitest';
import type { InventoryChange, Order } from '../../emulators/square-types.ts';
import { createWorld, type World } from '../../emulators/world.ts';
import { NOW } from './square-client.ts';

const world = createWorld({ now: NOW });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const orders = [...world.orders.values()];
const variations = [...world.catalog.values()].filter((object) => object.type === 'ITEM_VARIATION');

describe('seeded determinism', () => {
  it('two worlds from the same seed and now are deep-equal, ids included', () => {
    const again = createWorld({ now: NOW });
    expect(again).toEqual(world);
  });

  it('another seed gives other ids', () => {
    const other = createWorld({ now: NOW, seed: 2 });
    expect(other.locations.map((location) => location.id)).not.toEqual(
      world.locations.map((location) => location.id),
    );
  });
});

describe('the seeded restaurant group', () => {
  it('has three active locations in different time zones', () => {
    expect(world.locations).toHaveLength(3);
    expect(new Set(world.locations.map((location) => location.timezone)).size).toBe(3);
    for (const location of world.locations) {
      expect(location).toMatchObject({ status: 'ACTIVE', currency: 'USD' });
      expect(location.id).toMatch(/^L[A-Z2-7]{12}$/);
    }
  });

  it('has a menu of about 60 items in 8 categories, each with 1-3 variations', () => {
    const items = [...world.catalog.values()].filter((object) => object.type === 'ITEM');
    expect([...world.catalog.values()].filter((object) => object.type === 'CATEGORY')).toHaveLength(
      8,
    );
    expect(items).toHaveLength(60);
    for (const item of items) {
      expect(item.id).toMatch(/^[A-Z2-7]{24}$/);
      expect(item.item_data?.variations.length).toBeGreaterThanOrEqual(1);
      expect(item.item_data?.variations.length).toBeLessThanOrEqual(3);
    }
    const cheeseburger = items.find((item) => item.item_data?.name === 'Cheeseburger');
    expect(
      cheeseburger?.item_data?.variations.map((variation) => variation.item_variation_data?.name),
    ).toEqual(['Single', 'Double']);
  });

  it('spreads the orders over the past week, mostly completed, about a tenth open', () => {
    expect(orders).toHaveLength(1000);
    const byState = Object.groupBy(orders, (order) => order.state);
    expect(byState.COMPLETED?.length).toBeGreaterThan(700);
    expect(byState.OPEN?.length).toBeGreaterThan(60);
    expect(byState.OPEN?.length).toBeLessThan(140);
    expect(byState.CANCELED?.length).toBeGreaterThan(20);
    expect(byState.DRAFT?.length).toBeGreaterThan(0);
    for (const order of orders) {
      expect(order.id).toMatch(/^[A-Za-z0-9]{27}$/);
      expect(Date.parse(order.created_at)).toBeGreaterThanOrEqual(NOW.getTime() - 7 * DAY);
      expect(Date.parse(order.created_at)).toBeLessThanOrEqual(NOW.getTime());
      expect(order.closed_at !== undefined).toBe(
        order.state === 'COMPLETED' || order.state === 'CANCELED',
      );
    }
    for (const location of world.locations) {
      expect(orders.filter((order) => order.location_id === location.id).length).toBeGreaterThan(
        250,
      );
    }
  });

  it('has order totals consistent with their line items, each naming a real variation', () => {
    const variationIds = new Set(variations.map((variation) => variation.id));
    const sum = (order: Order, pick: (line: NonNullable<Order['line_items']>[number]) => number) =>
      (order.line_items ?? []).reduce((total, line) => total + pick(line), 0);
    for (const order of orders) {
      expect(order.line_items?.length).toBeGreaterThanOrEqual(1);
      expect(order.line_items?.length).toBeLessThanOrEqual(5);
      for (const line of order.line_items ?? [])
        expect(variationIds.has(line.catalog_object_id ?? '')).toBe(true);
      expect(order.total_money.amount).toBe(
        sum(order, (line) => line.total_money.amount) + order.total_tip_money.amount,
      );
      expect(order.total_tax_money.amount).toBe(sum(order, (line) => line.total_tax_money.amount));
      expect(order.total_discount_money.amount).toBe(
        sum(order, (line) => line.total_discount_money.amount),
      );
      expect(order.net_amount_due_money.amount).toBe(
        order.state === 'COMPLETED' ? 0 : order.total_money.amount,
      );
    }
  });

  it('has stock at every location for every tracked variation, a few low and a few out', () => {
    const tracked = variations.filter(
      (variation) => variation.item_variation_data?.track_inventory,
    );
    expect(tracked.length).toBeGreaterThan(variations.length * 0.8);
    for (const location of world.locations) {
      const counts = [...world.inventoryCounts.values()].filter(
        (count) => count.location_id === location.id && count.state === 'IN_STOCK',
      );
      expect(counts).toHaveLength(tracked.length);
      expect(counts.filter((count) => count.quantity === '0')).toHaveLength(3);
      expect(
        counts.filter((count) => Number(count.quantity) > 0 && Number(count.quantity) < 5),
      ).toHaveLength(4);
    }
  });

  it('has counts that equal their replayed change history', () => {
    expect(replayCounts(world.inventoryChanges)).toEqual(
      new Map(
        [...world.inventoryCounts.values()].map((count) => [
          `${count.catalog_object_id}:${count.location_id}:${count.state}`,
          Number(count.quantity),
        ]),
      ),
    );
  });

  it('has about 30 team members, a few inactive, each assigned to locations with an hourly or salaried job', () => {
    const members = [...world.teamMembers.values()];
    expect(members.length).toBeGreaterThanOrEqual(28);
    expect(members.length).toBeLessThanOrEqual(34);
    expect(members.filter((member) => member.status === 'INACTIVE')).toHaveLength(3);
    for (const member of members) {
      expect(member.wage_setting.job_assignments.length).toBeGreaterThan(0);
    }
  });

  it('schedules the week around now, past and future, and clocks in 3-5 people at every location now', () => {
    const shifts = [...world.scheduledShifts.values()];
    const starts = shifts.map((shift) => Date.parse(shift.draft_shift_details.start_at));
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(NOW.getTime() - 4 * DAY);
    expect(Math.max(...starts)).toBeLessThanOrEqual(NOW.getTime() + 4 * DAY);
    expect(starts.some((start) => start < NOW.getTime())).toBe(true);
    expect(starts.some((start) => start > NOW.getTime())).toBe(true);
    expect(shifts.some((shift) => !shift.published_shift_details)).toBe(true);
    for (const location of world.locations) {
      const open = [...world.timecards.values()].filter(
        (card) => card.location_id === location.id && card.status === 'OPEN',
      );
      expect(open.length).toBeGreaterThanOrEqual(3);
      expect(open.length).toBeLessThanOrEqual(5);
      for (const card of open) {
        expect(card.end_at).toBeUndefined();
        expect(Date.parse(card.start_at)).toBeLessThan(NOW.getTime());
      }
    }
    for (const card of world.timecards.values()) {
      if (card.status === 'CLOSED')
        expect(Date.parse(card.end_at ?? '')).toBeLessThanOrEqual(NOW.getTime());
    }
  });
});

describe('world writes for tests', () => {
  it('seedOrders adds orders at one location and announces each', () => {
    const fresh = createWorld({ now: NOW, orders: 0 });
    const [location] = fresh.locations;
    const kinds: string[] = [];
    fresh.onChange((change) => kinds.push(change.kind));
    const added = fresh.seedOrders(location?.id ?? '', 250, { state: 'OPEN' });
    expect(fresh.orders.size).toBe(250);
    expect(
      added.every((order) => order.location_id === location?.id && order.state === 'OPEN'),
    ).toBe(true);
    expect(kinds).toEqual(Array(250).fill('order.created'));
  });

  it('clocking in and out opens and closes a timecard', () => {
    const fresh: World = createWorld({ now: NOW, orders: 0 });
    const member = [...fresh.teamMembers.values()].find(
      (candidate) =>
        !candidate.is_owner &&
        candidate.status === 'ACTIVE' &&
        ![...fresh.timecards.values()].some(
          (card) => card.team_member_id === candidate.id && card.status === 'OPEN',
        ),
    );
    const locationId = member?.assigned_locations.location_ids?.[0] ?? '';
    const opened = fresh.clockIn({ teamMemberId: member?.id ?? '', locationId });
    if (!opened.ok) throw new Error(opened.rejection.detail);
    expect(opened.value).toMatchObject({ status: 'OPEN', location_id: locationId, version: 1 });
    expect(fresh.clockIn({ teamMemberId: member?.id ?? '', locationId }).ok).toBe(false);
    const closed = fresh.clockOut(opened.value.id);
    expect(closed.ok && closed.value.status).toBe('CLOSED');
  });
});

function replayCounts(history: InventoryChange[]): Map<string, number> {
  const counts = new Map<string, number>();
  const untracked = new Set(['NONE', 'SOLD', 'UNLINKED_RETURN']);
  for (const change of history) {
    if (change.type === 'PHYSICAL_COUNT') {
      const { catalog_object_id, location_id, state, quantity } = change.physical_count;
      counts.set(`${catalog_object_id}:${location_id}:${state}`, Number(quantity));
      continue;
    }
    const { catalog_object_id, location_id, from_state, to_state, quantity } = change.adjustment;
    for (const [state, sign] of [
      [from_state, -1],
      [to_state, 1],
    ] as const) {
      if (untracked.has(state)) continue;
      const key = `${catalog_object_id}:${location_id}:${state}`;
      counts.set(key, (counts.get(key) ?? 0) + sign * Number(quantity));
    }
  }
  return counts;
}
