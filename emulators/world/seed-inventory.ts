/**
 * Stock that agrees with its history: a physical count of every tracked variation at every
 * location just before the week began, then one IN_STOCK -> SOLD adjustment per completed
 * line item and some IN_STOCK -> WASTE. Opening counts are chosen so the week ends at a
 * target: at each location three variations run out ("0"), four are low (1-4), the rest
 * are comfortably stocked.
 */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type { InventoryChange, SourceApplication } from '../square-types.ts';
import { formatUtc, HOUR, MINUTE } from '../time.ts';
import { applyInventoryChange, formatQuantity, parseQuantity } from './inventory-ledger.ts';
import { catalogVariations } from './seed-catalog.ts';
import { SEED_WINDOW } from './seed-orders.ts';
import { inventoryCountKey, type WorldState } from './state.ts';

const SCALE = 100_000;
const OUT_OF_STOCK_PER_LOCATION = 3;
const LOW_STOCK_PER_LOCATION = 4;
export const squarePos: SourceApplication = { product: 'SQUARE_POS', name: 'Square Point of Sale' };

export function seedInventory(
  random: Random,
  ids: IdFactory,
  state: WorldState,
  now: number,
): void {
  const tracked = catalogVariations(state.catalog).filter(
    (variation) => variation.item_variation_data?.track_inventory,
  );
  const outflow = new Map<string, number>();
  const movements: InventoryChange[] = [];
  const adjust = (
    variationId: string,
    locationId: string,
    toState: 'SOLD' | 'WASTE',
    quantity: string,
    at: number,
    totalPrice?: number,
  ) => {
    const key = inventoryCountKey(variationId, locationId, 'IN_STOCK');
    outflow.set(key, (outflow.get(key) ?? 0) + (parseQuantity(quantity) ?? 0));
    movements.push({
      type: 'ADJUSTMENT',
      adjustment: {
        id: ids.uuid(),
        from_state: 'IN_STOCK',
        to_state: toState,
        location_id: locationId,
        catalog_object_id: variationId,
        catalog_object_type: 'ITEM_VARIATION',
        quantity,
        ...(totalPrice === undefined
          ? {}
          : { total_price_money: { amount: totalPrice, currency: 'USD' } }),
        occurred_at: formatUtc(at),
        created_at: formatUtc(at),
        source: squarePos,
      },
    });
  };

  const trackedIds = new Set(tracked.map((variation) => variation.id));
  for (const order of state.orders.values()) {
    if (order.state !== 'COMPLETED' || !order.closed_at) continue;
    for (const line of order.line_items ?? []) {
      if (!line.catalog_object_id || !trackedIds.has(line.catalog_object_id)) continue;
      const at = Date.parse(order.closed_at);
      adjust(
        line.catalog_object_id,
        order.location_id,
        'SOLD',
        line.quantity,
        at,
        line.gross_sales_money.amount,
      );
    }
  }
  const weekStart = now - SEED_WINDOW;
  for (const location of state.locations) {
    for (const variation of tracked) {
      if (!random.chance(0.15)) continue;
      for (let waste = random.int(1, 2); waste > 0; waste--) {
        const at = weekStart + random.int(60, SEED_WINDOW / MINUTE - 60) * MINUTE;
        adjust(variation.id, location.id, 'WASTE', String(random.int(1, 3)), at);
      }
    }
  }

  const countedAt = formatUtc(weekStart - HOUR);
  for (const location of state.locations) {
    const [outOfStock, low] = splitTargets(
      random,
      tracked.map((variation) => variation.id),
    );
    for (const variation of tracked) {
      const target = outOfStock.has(variation.id)
        ? 0
        : low.has(variation.id)
          ? random.int(1, 4)
          : random.int(8, 120);
      const sold = outflow.get(inventoryCountKey(variation.id, location.id, 'IN_STOCK')) ?? 0;
      applyInventoryChange(state, {
        type: 'PHYSICAL_COUNT',
        physical_count: {
          id: ids.uuid(),
          catalog_object_id: variation.id,
          catalog_object_type: 'ITEM_VARIATION',
          state: 'IN_STOCK',
          location_id: location.id,
          quantity: formatQuantity(target * SCALE + sold),
          source: squarePos,
          occurred_at: countedAt,
          created_at: countedAt,
        },
      });
    }
  }
  const timeOf = (change: InventoryChange) =>
    Date.parse(
      change.type === 'ADJUSTMENT'
        ? change.adjustment.created_at
        : change.physical_count.created_at,
    );
  for (const change of movements.sort((a, b) => timeOf(a) - timeOf(b)))
    applyInventoryChange(state, change);
}

function splitTargets(random: Random, variationIds: string[]): [Set<string>, Set<string>] {
  const chosen = random.sample(variationIds, OUT_OF_STOCK_PER_LOCATION + LOW_STOCK_PER_LOCATION);
  return [
    new Set(chosen.slice(0, OUT_OF_STOCK_PER_LOCATION)),
    new Set(chosen.slice(OUT_OF_STOCK_PER_LOCATION)),
  ];
}
