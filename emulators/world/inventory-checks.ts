/**
 * What a BatchChangeInventory change must satisfy before it applies: a tracked variation,
 * known locations, a sensible quantity and states, and an `occurred_at` at most 24 hours old
 * and not in the future (Square's rule for writes).
 */
import type { InventoryState } from '../square-types.ts';
import { DAY, parseRfc3339 } from '../time.ts';
import { isTracked, parseQuantity } from './inventory-ledger.ts';
import type { WorldRejection } from './outcomes.ts';
import { locationById, type WorldContext } from './state.ts';

const MAX_AGE = DAY;

export interface ChangeCommon {
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

/** Why the change cannot apply, or undefined when it can. `field` is its place in the batch. */
export function checkInventoryChange(
  context: WorldContext,
  input: InventoryChangeInput,
  now: number,
  field: string,
): WorldRejection | undefined {
  const [body, name] =
    input.type === 'PHYSICAL_COUNT'
      ? [input.physical_count, 'physical_count']
      : input.type === 'ADJUSTMENT'
        ? [input.adjustment, 'adjustment']
        : [input.transfer, 'transfer'];
  const at = `${field}.${name}`;
  const variation = context.state.catalog.get(body.catalog_object_id);
  if (!variation?.item_variation_data) {
    return invalid(
      `Item variation ${body.catalog_object_id} not found.`,
      `${at}.catalog_object_id`,
    );
  }
  if (!variation.item_variation_data.track_inventory) {
    return invalid(
      `Item variation ${body.catalog_object_id} does not track inventory.`,
      `${at}.catalog_object_id`,
    );
  }
  const units = parseQuantity(body.quantity);
  if (units === undefined || (units === 0 && input.type !== 'PHYSICAL_COUNT')) {
    return invalid(
      `Expected a ${input.type === 'PHYSICAL_COUNT' ? 'non-negative' : 'positive'} decimal with up to 5 places, got ${body.quantity}.`,
      `${at}.quantity`,
    );
  }
  const occurredAt = parseRfc3339(body.occurred_at) ?? Number.NaN;
  if (!(occurredAt >= now - MAX_AGE && occurredAt <= now)) {
    return invalid(
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
      return invalid(`Location ${locationId} not found.`, `${at}.${locationField}`);
  }
  if (input.type === 'PHYSICAL_COUNT' && input.physical_count.state !== 'IN_STOCK') {
    return invalid('A physical count records IN_STOCK quantities.', `${at}.state`);
  }
  if (input.type === 'ADJUSTMENT') {
    const { from_state, to_state } = input.adjustment;
    if (from_state === to_state || (!isTracked(from_state) && !isTracked(to_state))) {
      return invalid(`Cannot adjust from ${from_state} to ${to_state}.`, `${at}.to_state`);
    }
  }
  if (input.type === 'TRANSFER') {
    if (input.transfer.from_location_id === input.transfer.to_location_id) {
      return invalid('A transfer needs two different locations.', `${at}.to_location_id`);
    }
    if (!isTracked(input.transfer.state)) {
      return invalid(`Cannot transfer ${input.transfer.state} stock.`, `${at}.state`);
    }
  }
  return undefined;
}

function invalid(detail: string, field: string): WorldRejection {
  return { reason: 'invalid', detail, field };
}
