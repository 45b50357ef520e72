/**
 * Inventory writes. A batch is checked whole before any of it applies (Square's batches are
 * atomic; see inventory-checks.ts for the rules). A transfer is
 * recorded as two adjustments, IN_STOCK -> NONE where it leaves and NONE -> IN_STOCK where it
 * arrives, since Square never returns transfers from its history.
 */
import type {
  InventoryAdjustment,
  InventoryChange,
  InventoryCount,
  InventoryState,
  Order,
  SourceApplication,
} from '../square-types.ts';
import { formatUtc } from '../time.ts';
import { checkInventoryChange, type InventoryChangeInput } from './inventory-checks.ts';
import { applyInventoryChange, countsAt, countUnits, parseQuantity } from './inventory-ledger.ts';
import { accepted, type WriteResult } from './outcomes.ts';
import type { WorldContext } from './state.ts';

export type { InventoryChangeInput } from './inventory-checks.ts';

export interface InventoryBatchResult {
  changes: InventoryChange[];
  /** Every current count of the variations and locations the batch named. */
  counts: InventoryCount[];
}

const emulatorSource: SourceApplication = {
  product: 'EXTERNAL_API',
  name: 'Restaurant Graph Emulator',
};

export function batchCreateInventoryChanges(
  context: WorldContext,
  inputs: InventoryChangeInput[],
  options: { ignoreUnchangedCounts: boolean },
): WriteResult<InventoryBatchResult> {
  const now = context.clock();
  for (const [index, input] of inputs.entries()) {
    const problem = checkInventoryChange(context, input, now, `changes[${index}]`);
    if (problem) return { ok: false, rejection: problem };
  }
  const createdAt = formatUtc(now);
  const changes: InventoryChange[] = [];
  const moved = new Map<string, InventoryCount>();
  const touched = new Map<string, [string, string]>();
  const record = (change: InventoryChange) => {
    changes.push(change);
    for (const count of applyInventoryChange(context.state, change)) {
      moved.set(`${count.catalog_object_id}:${count.location_id}:${count.state}`, count);
    }
  };
  for (const input of inputs) {
    const common = {
      id: context.ids.uuid(),
      catalog_object_type: 'ITEM_VARIATION' as const,
      created_at: createdAt,
      source: emulatorSource,
    };
    if (input.type === 'PHYSICAL_COUNT') {
      const count = input.physical_count;
      touched.set(`${count.catalog_object_id}:${count.location_id}`, [
        count.catalog_object_id,
        count.location_id,
      ]);
      const current = countUnits(
        context.state,
        count.catalog_object_id,
        count.location_id,
        count.state,
      );
      if (options.ignoreUnchangedCounts && current === parseQuantity(count.quantity)) continue;
      record({ type: 'PHYSICAL_COUNT', physical_count: { ...count, ...common } });
    } else if (input.type === 'ADJUSTMENT') {
      const adjustment = input.adjustment;
      touched.set(`${adjustment.catalog_object_id}:${adjustment.location_id}`, [
        adjustment.catalog_object_id,
        adjustment.location_id,
      ]);
      record({ type: 'ADJUSTMENT', adjustment: { ...adjustment, ...common } });
    } else {
      const { from_location_id, to_location_id, state, ...rest } = input.transfer;
      const legs: [string, InventoryState, InventoryState][] = [
        [from_location_id, state, 'NONE'],
        [to_location_id, 'NONE', state],
      ];
      for (const [locationId, fromState, toState] of legs) {
        touched.set(`${rest.catalog_object_id}:${locationId}`, [
          rest.catalog_object_id,
          locationId,
        ]);
        const leg: InventoryAdjustment = {
          ...rest,
          ...common,
          id: context.ids.uuid(),
          location_id: locationId,
          from_state: fromState,
          to_state: toState,
        };
        record({ type: 'ADJUSTMENT', adjustment: leg });
      }
    }
  }
  if (moved.size > 0)
    context.emit({ kind: 'inventory.count.updated', object: [...moved.values()] });
  const counts = [...touched.values()].flatMap(([variationId, locationId]) =>
    countsAt(context.state, variationId, locationId),
  );
  return accepted({ changes, counts });
}

/** A completed order's tracked line items leave stock: IN_STOCK -> SOLD at its location. */
export function recordSale(context: WorldContext, order: Order, at: number): void {
  const moved: InventoryCount[] = [];
  for (const line of order.line_items ?? []) {
    const variation = line.catalog_object_id
      ? context.state.catalog.get(line.catalog_object_id)
      : undefined;
    if (!variation?.item_variation_data?.track_inventory) continue;
    const adjustment: InventoryAdjustment = {
      id: context.ids.uuid(),
      from_state: 'IN_STOCK',
      to_state: 'SOLD',
      location_id: order.location_id,
      catalog_object_id: variation.id,
      catalog_object_type: 'ITEM_VARIATION',
      quantity: line.quantity,
      total_price_money: line.gross_sales_money,
      occurred_at: formatUtc(at),
      created_at: formatUtc(at),
      source: emulatorSource,
    };
    moved.push(...applyInventoryChange(context.state, { type: 'ADJUSTMENT', adjustment }));
  }
  if (moved.length > 0) context.emit({ kind: 'inventory.count.updated', object: moved });
}
