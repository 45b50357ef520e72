/**
 * Fault switches for webhook delivery, so receivers can be tested against what Square's
 * at-least-once, unordered delivery allows: extra copies of an event, events delivered in
 * reverse order, and events never delivered at all.
 */
import type { Random } from '../random.ts';
import { squareError } from '../square-errors.ts';

export interface WebhookFaults {
  /** Extra copies of each event: a whole number n sends n more; a fraction is the chance of one. */
  duplicate?: number;
  /** Holds each event until the next one (or a minute, scaled) and delivers the later one first. */
  reorder?: boolean;
  /** Never delivered: these event types, a chance per event, or every event (`true`). */
  drop?: readonly string[] | number | boolean;
}

export interface FaultDecisions {
  readonly faults: WebhookFaults;
  copiesOf(): number;
  drops(type: string): boolean;
}

export function faultDecisions(faults: WebhookFaults, random: Random): FaultDecisions {
  return {
    faults,
    copiesOf() {
      const duplicate = faults.duplicate ?? 0;
      if (duplicate >= 1) return 1 + Math.floor(duplicate);
      return duplicate > 0 && random.chance(duplicate) ? 2 : 1;
    },
    drops(type) {
      const drop = faults.drop;
      if (drop === undefined || drop === false) return false;
      if (drop === true) return true;
      if (typeof drop === 'number') return random.chance(drop);
      return drop.includes(type);
    },
  };
}

/** Reads the admin route's body (`{duplicate, reorder, drop}`); `{}` switches every fault off. */
export function readFaults(body: Record<string, unknown>): WebhookFaults {
  const faults: WebhookFaults = {};
  const { duplicate, reorder, drop, ...unknown } = body;
  const [extra] = Object.keys(unknown);
  if (extra !== undefined) {
    throw squareError('INVALID_VALUE', `Unknown fault ${extra}.`, extra);
  }
  if (duplicate !== undefined) {
    if (typeof duplicate !== 'number' || !(duplicate >= 0)) {
      throw squareError('INVALID_VALUE', 'duplicate is a count or a rate (>= 0).', 'duplicate');
    }
    faults.duplicate = duplicate;
  }
  if (reorder !== undefined) {
    if (typeof reorder !== 'boolean') {
      throw squareError('EXPECTED_BOOLEAN', 'reorder is true or false.', 'reorder');
    }
    faults.reorder = reorder;
  }
  if (drop !== undefined) {
    const valid =
      typeof drop === 'boolean' ||
      (typeof drop === 'number' && drop >= 0 && drop <= 1) ||
      (Array.isArray(drop) && drop.every((type) => typeof type === 'string'));
    if (!valid) {
      throw squareError(
        'INVALID_VALUE',
        'drop is a list of event types, a rate in [0, 1], or true.',
        'drop',
      );
    }
    faults.drop = drop as WebhookFaults['drop'];
  }
  return faults;
}
