/**
 * Inventory writes. A batch is checked whole before any of it applies (Square's batches are
 * atomic). `occurred_at` may be at most 24 hours old and not in the future. A transfer is
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
import { DAY, formatUtc, parseRfc3339 } from '../time.ts';
import {
  applyInventoryChange,
  countsAt,
  countUnits,
  isTracked,
  parseQuantity,
} from './inventory-ledger.ts';
import { accepted, refused, type WriteResult } from './outcomes.ts';
import { locationById, type WorldContext } from './state.ts';

interface ChangeCommon {
  catalog_object_id: string;
  quantity: string;
  occurred_at: string;
  reference_id?: string;
  team_member_id?: string;
}

export type InventoryChangeInput =
  | {
      type: 'PHYSICAL_COUNT';
      physical_count: ChangeCommon & { location_id: string; state: InventoryState };
    }
  | {
      type: 'ADJUSTMENT';
      adjustment: ChangeCommon & {
        location_id: string;
        from_state: InventoryState;
        to_state: InventoryState;
      };
    }
  | {
      type: 'TRANSFER';
      transfer: ChangeCommon & {
        from_location_id: string;
        to_location_id: string;
        state: InventoryState;
      };
    };

export interface InventoryBatchResult {
  changes: InventoryChange[];
  /** Every current count of the variations and locations the batch named. */
  counts: InventoryCount[];
}

const emulatorSource: SourceApplication = {
  product: 'EXTERNAL_API',
  name: 'Restaurant Graph Emulator',
};
const MAX_AGE = DAY;

export function batchCreateInventoryChanges(
  context: WorldContext,
  inputs: InventoryChangeInput[],
  options: { ignoreUnchangedCounts: boolean },
): WriteResult<InventoryBatchResult> {
  const now = context.clock();
  for (const [index, input] of inputs.entries()) {
    const problem = check(context, input, now, `changes[${index}]`);
    if (problem) return problem;
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

function check(
  context: WorldContext,
  input: InventoryChangeInput,
  now: number,
  field: string,
): WriteResult<InventoryBatchResult> | undefined {
  const [body, name] =
    input.type === 'PHYSICAL_COUNT'
      ? [input.physical_count, 'physical_count']
      : input.type === 'ADJUSTMENT'
        ? [input.adjustment, 'adjustment']
        : [input.transfer, 'transfer'];
  const at = `${field}.${name}`;
  const variation = context.state.catalog.get(body.catalog_object_id);
  if (!variation?.item_variation_data) {
    return refused(
      'invalid',
      `Item variation ${body.catalog_object_id} not found.`,
      `${at}.catalog_object_id`,
    );
  }
  if (!variation.item_variation_data.track_inventory) {
    return refused(
      'invalid',
      `Item variation ${body.catalog_object_id} does not track inventory.`,
      `${at}.catalog_object_id`,
    );
  }
  const units = parseQuantity(body.quantity);
  if (units === undefined || (units === 0 && input.type !== 'PHYSICAL_COUNT')) {
    return refused(
      'invalid',
      `Expected a ${input.type === 'PHYSICAL_COUNT' ? 'non-negative' : 'positive'} decimal with up to 5 places, got ${body.quantity}.`,
      `${at}.quantity`,
    );
  }
  const occurredAt = parseRfc3339(body.occurred_at) ?? Number.NaN;
  if (!(occurredAt >= now - MAX_AGE && occurredAt <= now)) {
    return refused(
      'invalid',
      `occurred_at must be within the past 24 hours, got ${body.occurred_at}.`,
      `${at}.occurred_at`,
    );
  }
  const locations: [string, string][] =
    input.type === 'TRANSFER'
      ? [
          [input.transfer.from_location_id, 'from_location_id'],
          [input.transfer.to_location_id, 'to_location_id'],
        ]
      : [
          [
            input.type === 'PHYSICAL_COUNT'
              ? input.physical_count.location_id
              : input.adjustment.location_id,
            'location_id',
          ],
        ];
  for (const [locationId, locationField] of locations) {
    if (!locationById(context.state, locationId))
      return refused('invalid', `Location ${locationId} not found.`, `${at}.${locationField}`);
  }
  if (input.type === 'PHYSICAL_COUNT' && input.physical_count.state !== 'IN_STOCK') {
    return refused('invalid', 'A physical count records IN_STOCK quantities.', `${at}.state`);
  }
  if (input.type === 'ADJUSTMENT') {
    const { from_state, to_state } = input.adjustment;
    if (from_state === to_state || (!isTracked(from_state) && !isTracked(to_state))) {
      return refused(
        'invalid',
        `Cannot adjust from ${from_state} to ${to_state}.`,
        `${at}.to_state`,
      );
    }
  }
  if (input.type === 'TRANSFER') {
    if (input.transfer.from_location_id === input.transfer.to_location_id) {
      return refused(
        'invalid',
        'A transfer needs two different locations.',
        `${at}.to_location_id`,
      );
    }
    if (!isTracked(input.transfer.state)) {
      return refused('invalid', `Cannot transfer ${input.transfer.state} stock.`, `${at}.state`);
    }
  }
  return undefined;
}
