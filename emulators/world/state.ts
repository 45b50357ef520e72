/** The world's data, and what its seeders and writers share. */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type {
  CatalogObject,
  InventoryChange,
  InventoryCount,
  Location,
  Order,
  ScheduledShift,
  TeamMember,
  Timecard,
} from '../square-types.ts';
import type { WorldChange } from './outcomes.ts';

/** Plain, cloneable data: two worlds built from the same seed and `now` are deep-equal. */
export interface WorldState {
  merchantId: string;
  locations: Location[];
  /** Categories, items and variations by id, in listing order (items nest their variations). */
  catalog: Map<string, CatalogObject>;
  /** Orders by id, in creation order. */
  orders: Map<string, Order>;
  /** Current counts by `inventoryCountKey`; only tracked states have counts. */
  inventoryCounts: Map<string, InventoryCount>;
  /** The history that produced the counts, oldest first. */
  inventoryChanges: InventoryChange[];
  teamMembers: Map<string, TeamMember>;
  scheduledShifts: Map<string, ScheduledShift>;
  timecards: Map<string, Timecard>;
}

/** What writes need besides the data: the seeded generators, the clock, the change feed. */
export interface WorldContext {
  state: WorldState;
  random: Random;
  ids: IdFactory;
  /** The world's current time, epoch milliseconds. */
  clock(): number;
  emit(change: WorldChange): void;
}

export function inventoryCountKey(
  catalogObjectId: string,
  locationId: string,
  state: string,
): string {
  return `${catalogObjectId}:${locationId}:${state}`;
}

export function locationById(state: WorldState, locationId: string): Location | undefined {
  return state.locations.find((location) => location.id === locationId);
}
