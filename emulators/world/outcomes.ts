/** What the world's writes report: the new value, or why the write was refused. */
import type { InventoryCount, Order, Timecard } from '../square-types.ts';

export interface WorldRejection {
  reason: 'not_found' | 'invalid' | 'version_mismatch' | 'order_closed';
  detail: string;
  /** The request field at fault, in Square's dotted form (`order.version`). */
  field?: string;
}

export type WriteResult<T> = { ok: true; value: T } | { ok: false; rejection: WorldRejection };

export function accepted<T>(value: T): WriteResult<T> {
  return { ok: true, value };
}

export function refused<T>(
  reason: WorldRejection['reason'],
  detail: string,
  field?: string,
): WriteResult<T> {
  return {
    ok: false,
    rejection: field === undefined ? { reason, detail } : { reason, detail, field },
  };
}

/** Every state change, announced after it happened (a later issue turns these into webhooks). */
export type WorldChange =
  | { kind: 'order.created'; object: Order }
  | { kind: 'order.updated'; object: Order }
  | { kind: 'inventory.count.updated'; object: InventoryCount[] }
  | { kind: 'labor.timecard.created'; object: Timecard }
  | { kind: 'labor.timecard.updated'; object: Timecard };

export type WorldChangeListener = (change: WorldChange) => void;
