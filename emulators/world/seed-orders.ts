/**
 * Orders as the diners' registers leave them: spread over the past week with lunch and
 * dinner peaks (local time), mostly COMPLETED, about 10% still OPEN (from the last three
 * hours), some CANCELED, a few DRAFT; each with 1-5 catalog line items, the location's
 * sales tax, sometimes a discount, often a tip on completed ones.
 */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type { CatalogObject, Location, Order, OrderState } from '../square-types.ts';
import { DAY, formatUtc, HOUR, MINUTE, wallTimeAt } from '../time.ts';
import { type AdjustmentBasis, type LineItemBasis, priceOrder, usd } from './order-pricing.ts';

export const SEED_WINDOW = 7 * DAY;

const salesTaxByState: Record<string, string> = { IL: '10.25', MA: '7', CA: '9.5' };
const discounts = [
  { name: 'Happy Hour', percentage: '10' },
  { name: 'Staff Meal', percentage: '50' },
  { name: 'Loyalty Reward', percentage: '15' },
];
const guestNames = ['Maria', 'Tom', 'Aisha', 'Luis', 'Grace', 'Noah', 'Mei', 'Ollie', 'Zoe'];
/** Relative busyness by local hour of day. */
const hourWeights = [
  0.15, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.8, 0.9, 0.8, 0.7, 1, 1, 1, 0.6, 0.5, 0.6, 1, 1, 1, 0.9, 0.6,
  0.4, 0.3,
];

export interface OrderSeedContext {
  random: Random;
  ids: IdFactory;
  catalog: Map<string, CatalogObject>;
  /** The catalog's variations, which line items are drawn from. */
  variations: CatalogObject[];
  now: number;
}

export function pickOrderState(random: Random): OrderState {
  const roll = random.next();
  if (roll < 0.02) return 'DRAFT';
  if (roll < 0.08) return 'CANCELED';
  if (roll < 0.18) return 'OPEN';
  return 'COMPLETED';
}

export function generateOrder(
  context: OrderSeedContext,
  location: Location,
  state: OrderState,
): Order {
  const { random, ids, now } = context;
  const createdAt = createdAtFor(context, location, state);
  const closedAt =
    state === 'COMPLETED' || state === 'CANCELED'
      ? Math.min(now, createdAt + random.int(state === 'COMPLETED' ? 10 : 2, 50) * MINUTE)
      : undefined;
  const updatedAt = closedAt ?? Math.min(now, createdAt + random.int(0, 15) * MINUTE);
  const variations = [...context.catalog.values()].filter(
    (object) => object.type === 'ITEM_VARIATION',
  );
  const lineItems = random
    .sample(variations, random.int(1, 5))
    .map((variation) => lineItemFor(context, variation));
  const tax: AdjustmentBasis = {
    uid: ids.uid(),
    name: 'Sales Tax',
    percentage: salesTaxByState[location.address.administrative_district_level_1] ?? '8',
  };
  const discount = random.chance(0.08) ? [{ uid: ids.uid(), ...random.pick(discounts) }] : [];
  const subtotal = lineItems.reduce(
    (total, line) => total + line.base_price_money.amount * Number(line.quantity),
    0,
  );
  const tipAmount =
    state === 'COMPLETED' && random.chance(0.65)
      ? Math.round((subtotal * random.int(15, 22)) / 100)
      : 0;
  return {
    id: ids.order(),
    location_id: location.id,
    source: { name: 'Square Point of Sale' },
    created_at: formatUtc(createdAt),
    updated_at: formatUtc(updatedAt),
    ...(closedAt === undefined ? {} : { closed_at: formatUtc(closedAt) }),
    state,
    version: versionFor(random, state),
    ticket_name: ticketName(random),
    ...priceOrder({ lineItems, taxes: [tax], discounts: discount, tipAmount, state }),
  };
}

function lineItemFor(context: OrderSeedContext, variation: CatalogObject): LineItemBasis {
  const data = variation.item_variation_data;
  const item = data ? context.catalog.get(data.item_id) : undefined;
  if (!data || !item?.item_data) throw new Error(`variation ${variation.id} has no parent item`);
  const roll = context.random.next();
  return {
    uid: context.ids.uid(),
    name: item.item_data.name,
    quantity: roll < 0.8 ? '1' : roll < 0.95 ? '2' : '3',
    catalog_object_id: variation.id,
    catalog_version: variation.version,
    variation_name: data.name,
    item_type: 'ITEM',
    base_price_money: usd(data.price_money.amount),
  };
}

/** Open orders are recent and drafts at most a day old; closed ones fall anywhere in the week. */
function createdAtFor(context: OrderSeedContext, location: Location, state: OrderState): number {
  const { random, now } = context;
  const window = state === 'OPEN' ? 3 * HOUR : state === 'DRAFT' ? DAY : SEED_WINDOW;
  const latest = state === 'COMPLETED' || state === 'CANCELED' ? now - 20 * MINUTE : now - MINUTE;
  const earliest = now - window;
  const draw = () => earliest + random.int(0, (latest - earliest) / MINUTE) * MINUTE;
  let candidate = draw();
  for (let attempt = 0; attempt < 12; attempt++) {
    const weight = hourWeights[wallTimeAt(candidate, location.timezone).hour] ?? 1;
    if (random.next() < weight) break;
    candidate = draw();
  }
  return candidate + random.int(0, 59) * 1000;
}

function versionFor(random: Random, state: OrderState): number {
  switch (state) {
    case 'DRAFT':
      return 1;
    case 'OPEN':
      return random.int(1, 3);
    case 'CANCELED':
      return random.int(2, 3);
    case 'COMPLETED':
      return random.int(3, 5);
  }
}

function ticketName(random: Random): string {
  const roll = random.next();
  if (roll < 0.45) return `Table ${random.int(1, 24)}`;
  if (roll < 0.8) return `#${random.int(100, 999)}`;
  return `${random.pick(guestNames)} (to go)`;
}
