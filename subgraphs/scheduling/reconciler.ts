import type { PolledChange, ReconcileSource } from '../kit/reconcileLoop.ts';
import { type SchedulingClient, schedulingLimits } from './client.ts';
import type { SchedulingStores } from './loaders.ts';
import { timecardChange } from './webhooks.ts';

/**
 * Timecards changed since the checkpoint. Square's timecard search cannot filter on
 * `updated_at`, only sort on it: read pages most recent first and stop at the first timecard
 * older than the checkpoint; the applied versions tell what is new.
 */
export function timecardReconcileSource(
  client: SchedulingClient,
  stores: SchedulingStores,
): ReconcileSource {
  return {
    name: 'timecards',
    async newestChange() {
      const { timecards } = await client.timecardsByUpdate({ limit: 1 });
      return timecards[0]?.updatedAt;
    },
    async changedSince(since) {
      const from = Date.parse(since);
      const changed: PolledChange[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.timecardsByUpdate({
          limit: schedulingLimits.timecardsPerPage,
          cursor,
        });
        for (const { timecard, updatedAt } of page.timecards) {
          if (Date.parse(updatedAt) < from) return changed;
          changed.push({ change: timecardChange(stores, timecard, updatedAt), updatedAt });
        }
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return changed;
    },
  };
}
