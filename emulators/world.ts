/**
 * The emulators' shared, mutable world: a restaurant group's locations, catalog, stock,
 * team, rota, timecards and orders, generated from a seed. Two worlds made from the same
 * `seed` and `now` are deep-equal, ids included (the data are plain own fields; the methods
 * live on the prototype). Writes go through the methods, which refuse bad ones with a
 * reason (see `WriteResult`) and announce each change to `onChange`.
 *
 * Time: the seed is anchored at `now` (default: the current time truncated to the hour).
 * The world's clock, used for writes, runs in real time; when `now` is given it starts there.
 */
import { createIdFactory } from './ids.ts';
import { createRandom } from './random.ts';
import type {
  CatalogObject,
  InventoryChange,
  InventoryCount,
  Location,
  Order,
  OrderState,
  ScheduledShift,
  TeamMember,
  Timecard,
} from './square-types.ts';
import { HOUR } from './time.ts';
import {
  batchCreateInventoryChanges,
  type InventoryBatchResult,
  type InventoryChangeInput,
} from './world/inventory-writes.ts';
import type { NewOrderInput, OrderPatch } from './world/order-inputs.ts';
import { createOrder, updateOrder } from './world/order-writes.ts';
import type { WorldChangeListener, WriteResult } from './world/outcomes.ts';
import { catalogVariations, seedCatalog } from './world/seed-catalog.ts';
import { seedInventory } from './world/seed-inventory.ts';
import { seedLabor } from './world/seed-labor.ts';
import { seedLocations } from './world/seed-locations.ts';
import { generateOrder, pickOrderState } from './world/seed-orders.ts';
import { seedTeam } from './world/seed-team.ts';
import type { WorldContext, WorldState } from './world/state.ts';
import { type ClockInInput, clockIn, clockOut } from './world/timecard-writes.ts';

export type { InventoryBatchResult, InventoryChangeInput } from './world/inventory-writes.ts';
export type {
  AdjustmentInput,
  LineItemInput,
  NewOrderInput,
  OrderPatch,
} from './world/order-inputs.ts';
export type {
  WorldChange,
  WorldChangeListener,
  WorldRejection,
  WriteResult,
} from './world/outcomes.ts';
export type { WorldState } from './world/state.ts';
export type { ClockInInput } from './world/timecard-writes.ts';

export interface WorldOptions {
  seed?: number;
  now?: Date;
  /** How many orders to spread over the past week. */
  orders?: number;
}

export interface World extends WorldState {
  readonly seed: number;
  /** The instant the seed data is anchored at. */
  readonly now: Date;
  /** The world's current time (see the module comment). */
  clock(): Date;
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: WorldChangeListener): () => void;
  createOrder(input: NewOrderInput): WriteResult<Order>;
  updateOrder(orderId: string, patch: OrderPatch): WriteResult<Order>;
  batchCreateInventoryChanges(
    changes: InventoryChangeInput[],
    options?: { ignoreUnchangedCounts?: boolean },
  ): WriteResult<InventoryBatchResult>;
  clockIn(input: ClockInInput): WriteResult<Timecard>;
  clockOut(timecardId: string, at?: Date): WriteResult<Timecard>;
  /**
   * Test data in bulk: `count` more orders at one location, spread over the past week like
   * the seed's (state random unless given). Each is announced as `order.created`; stock is
   * not touched.
   */
  seedOrders(locationId: string, count: number, options?: { state?: OrderState }): Order[];
}

export function createWorld(options: WorldOptions = {}): World {
  return new SeededWorld(options);
}

class SeededWorld implements World {
  readonly seed: number;
  readonly now: Date;
  readonly merchantId: string;
  readonly locations: Location[];
  readonly catalog: Map<string, CatalogObject>;
  readonly orders: Map<string, Order>;
  readonly inventoryCounts = new Map<string, InventoryCount>();
  readonly inventoryChanges: InventoryChange[] = [];
  readonly teamMembers: Map<string, TeamMember>;
  readonly scheduledShifts: Map<string, ScheduledShift>;
  readonly timecards: Map<string, Timecard>;
  readonly #context: WorldContext;
  readonly #listeners = new Set<WorldChangeListener>();

  constructor(options: WorldOptions) {
    this.seed = options.seed ?? 1;
    this.now = options.now ?? new Date(Math.floor(Date.now() / HOUR) * HOUR);
    const anchor = this.now.getTime();
    const clockOffset = options.now ? anchor - Date.now() : 0;
    const random = createRandom(this.seed);
    const ids = createIdFactory(random);

    this.merchantId = ids.merchant();
    this.locations = seedLocations(random, ids, this.merchantId, anchor);
    this.catalog = seedCatalog(random, ids, anchor);
    const { teamMembers, crews } = seedTeam(random, ids, this.locations, anchor);
    this.teamMembers = teamMembers;
    const { scheduledShifts, timecards } = seedLabor(random, ids, crews, anchor);
    this.scheduledShifts = scheduledShifts;
    this.timecards = timecards;
    const orderContext = {
      random,
      ids,
      catalog: this.catalog,
      variations: catalogVariations(this.catalog),
      now: anchor,
    };
    const orders = Array.from({ length: options.orders ?? 1000 }, () =>
      generateOrder(orderContext, random.pick(this.locations), pickOrderState(random)),
    ).sort((a, b) => a.created_at.localeCompare(b.created_at));
    this.orders = new Map(orders.map((order) => [order.id, order]));
    seedInventory(random, ids, this, anchor);

    this.#context = {
      state: this,
      random,
      ids,
      clock: () => Date.now() + clockOffset,
      emit: (change) => {
        for (const listener of this.#listeners) {
          try {
            listener(structuredClone(change));
          } catch (error) {
            // A listener's bug must not undo or fail the write; surface it on its own.
            queueMicrotask(() => {
              throw error;
            });
          }
        }
      },
    };
  }

  clock(): Date {
    return new Date(this.#context.clock());
  }

  onChange(listener: WorldChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  createOrder(input: NewOrderInput): WriteResult<Order> {
    return createOrder(this.#context, input);
  }

  updateOrder(orderId: string, patch: OrderPatch): WriteResult<Order> {
    return updateOrder(this.#context, orderId, patch);
  }

  batchCreateInventoryChanges(
    changes: InventoryChangeInput[],
    options?: { ignoreUnchangedCounts?: boolean },
  ): WriteResult<InventoryBatchResult> {
    return batchCreateInventoryChanges(this.#context, changes, {
      ignoreUnchangedCounts: options?.ignoreUnchangedCounts ?? true,
    });
  }

  clockIn(input: ClockInInput): WriteResult<Timecard> {
    return clockIn(this.#context, input);
  }

  clockOut(timecardId: string, at?: Date): WriteResult<Timecard> {
    return clockOut(this.#context, timecardId, at?.getTime());
  }

  seedOrders(locationId: string, count: number, options?: { state?: OrderState }): Order[] {
    const location = this.locations.find((candidate) => candidate.id === locationId);
    if (!location) throw new Error(`seedOrders: no location ${locationId}`);
    const { random, ids } = this.#context;
    const orderContext = {
      random,
      ids,
      catalog: this.catalog,
      variations: catalogVariations(this.catalog),
      now: this.#context.clock(),
    };
    const created = Array.from({ length: count }, () =>
      generateOrder(orderContext, location, options?.state ?? pickOrderState(random)),
    );
    for (const order of created) this.orders.set(order.id, order);
    for (const order of created) this.#context.emit({ kind: 'order.created', object: order });
    return created;
  }
}
