/**
 * The inventory ledger: a change is appended to the history and moves the counts it
 * touches, so counts always equal the replayed history. Quantities are decimal strings with
 * up to 5 places; arithmetic is done in integer hundred-thousandths.
 */
import type { InventoryChange, InventoryCount, InventoryState } from '../square-types.ts';
import { untrackedInventoryStates } from '../square-types.ts';
import { inventoryCountKey, type WorldState } from './state.ts';

const SCALE = 100_000;
const QUANTITY = /^\d{1,15}(\.\d{1,5})?$/;

/** Integer hundred-thousandths of a non-negative decimal string, or undefined if malformed. */
export function parseQuantity(quantity: string): number | undefined {
  return QUANTITY.test(quantity) ? Math.round(Number(quantity) * SCALE) : undefined;
}

export function formatQuantity(units: number): string {
  const sign = units < 0 ? '-' : '';
  const absolute = Math.abs(units);
  const whole = Math.floor(absolute / SCALE);
  const fraction = String(absolute % SCALE)
    .padStart(5, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function isTracked(state: InventoryState): boolean {
  return !untrackedInventoryStates.includes(state);
}

/** Records the change and returns the counts it moved, as they now stand. */
export function applyInventoryChange(state: WorldState, change: InventoryChange): InventoryCount[] {
  state.inventoryChanges.push(change);
  if (change.type === 'PHYSICAL_COUNT') {
    const count = change.physical_count;
    return [
      setCount(
        state,
        count.catalog_object_id,
        count.location_id,
        count.state,
        parseQuantity(count.quantity) ?? 0,
        count.created_at,
      ),
    ];
  }
  const adjustment = change.adjustment;
  const units = parseQuantity(adjustment.quantity) ?? 0;
  const moved: InventoryCount[] = [];
  const move = (inventoryState: InventoryState, delta: number) => {
    if (!isTracked(inventoryState)) return;
    const current = countUnits(
      state,
      adjustment.catalog_object_id,
      adjustment.location_id,
      inventoryState,
    );
    moved.push(
      setCount(
        state,
        adjustment.catalog_object_id,
        adjustment.location_id,
        inventoryState,
        current + delta,
        adjustment.created_at,
      ),
    );
  };
  move(adjustment.from_state, -units);
  move(adjustment.to_state, units);
  return moved;
}

export function countUnits(
  state: WorldState,
  catalogObjectId: string,
  locationId: string,
  inventoryState: InventoryState,
): number {
  const count = state.inventoryCounts.get(
    inventoryCountKey(catalogObjectId, locationId, inventoryState),
  );
  if (!count) return 0;
  // Counts may go negative (Square lets sales outrun recorded stock).
  const negative = count.quantity.startsWith('-');
  const units = parseQuantity(negative ? count.quantity.slice(1) : count.quantity) ?? 0;
  return negative ? -units : units;
}

function setCount(
  state: WorldState,
  catalogObjectId: string,
  locationId: string,
  inventoryState: InventoryState,
  units: number,
  calculatedAt: string,
): InventoryCount {
  const count: InventoryCount = {
    catalog_object_id: catalogObjectId,
    catalog_object_type: 'ITEM_VARIATION',
    state: inventoryState,
    location_id: locationId,
    quantity: formatQuantity(units),
    calculated_at: calculatedAt,
  };
  state.inventoryCounts.set(inventoryCountKey(catalogObjectId, locationId, inventoryState), count);
  return count;
}

/** Counts of one variation at one location, IN_STOCK first. */
export function countsAt(
  state: WorldState,
  catalogObjectId: string,
  locationId: string,
): InventoryCount[] {
  return [...state.inventoryCounts.values()]
    .filter(
      (count) => count.catalog_object_id === catalogObjectId && count.location_id === locationId,
    )
    .sort((a, b) =>
      a.state === 'IN_STOCK' ? -1 : b.state === 'IN_STOCK' ? 1 : a.state.localeCompare(b.state),
    );
}
