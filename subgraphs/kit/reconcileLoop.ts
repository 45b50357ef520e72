import type { Counters } from '../../platform/counters.ts';
import { traceBackgroundTask } from '../../platform/spans.ts';
import type { ChangeApplier, EntityChange } from './changeApplier.ts';
import type { SyncStore } from './syncStore.ts';

/**
 * Reconciliation: every `intervalMs`, ask the vendor what changed since the checkpoint and
 * put each change through the same applier as webhooks, so a change whose webhook never came
 * is published a poll later, and one that came both ways is published once (the version check
 * drops the second).
 *
 * The checkpoint is the newest change time seen, kept in the sync store (so instances sharing
 * Redis, and a restarted one, carry on from it). Each poll looks `overlapMs` further back than
 * the checkpoint, since a vendor's search may show a change a little after it happened; the
 * versions make the overlap harmless. It never looks back past where the first run started
 * (the newest change the vendor had then): what happened before the subgraph ran is no news,
 * and a webhook still in flight for it is applied when it lands.
 */
export interface PolledChange {
  change: EntityChange;
  /** When the vendor last changed the entity (RFC 3339). */
  updatedAt: string;
}

export interface ReconcileSource {
  /** The checkpoint's name, e.g. `orders`. */
  name: string;
  /** When the most recently changed entity changed; undefined when the vendor has none. */
  newestChange(): Promise<string | undefined>;
  /** Every entity changed at or after `since` (more is fine: versions filter it). */
  changedSince(since: string): Promise<PolledChange[]>;
}

export interface ReconcileLoopOptions {
  source: ReconcileSource;
  applier: ChangeApplier;
  store: SyncStore;
  counters: Counters;
  intervalMs: number;
  /** How far before the checkpoint each poll starts; default one minute. */
  overlapMs?: number;
}

export interface ReconcileLoop {
  /** One poll now; resolves with the number of changes it published. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

interface Checkpoint {
  /** Where the first run started (ms): polls never look before it. */
  floor: number;
  /** The newest change time applied (ms). */
  through: number;
}

/** Starts polling; resolves once the first poll ran (or failed: the vendor may be down yet). */
export async function startReconcileLoop(options: ReconcileLoopOptions): Promise<ReconcileLoop> {
  const { source, applier, store, counters, intervalMs } = options;
  const overlapMs = options.overlapMs ?? 60_000;
  const key = `checkpoint:${source.name}`;
  const labels = { source: source.name };

  async function runOnce(): Promise<number> {
    const checkpoint = await store.get<Checkpoint>(key);
    if (!checkpoint) {
      const newest = await source.newestChange();
      const start = newest === undefined ? 0 : Date.parse(newest) + 1;
      await store.set<Checkpoint>(key, { floor: start, through: start });
      return 0;
    }
    const since = Math.max(checkpoint.floor, checkpoint.through - overlapMs);
    const changes = await source.changedSince(new Date(since).toISOString());
    let through = checkpoint.through;
    let published = 0;
    for (const { change, updatedAt } of changes) {
      if ((await applier.apply(change, 'reconcile')) === 'published') published += 1;
      through = Math.max(through, Date.parse(updatedAt));
    }
    await store.set<Checkpoint>(key, { ...checkpoint, through });
    return published;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const poll = async () => {
    try {
      await traceBackgroundTask(
        `reconcile ${source.name}`,
        { 'reconcile.source': source.name },
        runOnce,
      );
      counters.increment('reconcile_polls', { ...labels, result: 'ok' });
    } catch {
      // The vendor may be down: the checkpoint stays, and the next poll covers the gap.
      counters.increment('reconcile_polls', { ...labels, result: 'failed' });
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  const tick = () => {
    running = poll();
  };
  running = poll();
  await running;

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
