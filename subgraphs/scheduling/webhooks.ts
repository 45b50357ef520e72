import type { EntityChange } from '../kit/changeApplier.ts';
import type { EventTopic } from '../kit/eventBus.ts';
import type { SquareWebhookEvent } from '../kit/square/squareWebhooks.ts';
import { type Timecard, toTimecard, type WireTimecard } from './client.ts';
import type { SchedulingStores } from './loaders.ts';

/** Published on this subgraph's bus whenever a timecard changes. Payload: the scheduling client's `Timecard`. */
export const timecardChangedTopic = 'scheduling.timecard.changed' as EventTopic;

/**
 * Square's timecard webhooks as changes to this subgraph. They carry the whole timecard, so
 * nothing is fetched; a clock-in or clock-out changes the timecard, its location's open
 * timecards and its member's.
 */
export const schedulingWebhookEventTypes = [
  'labor.timecard.created',
  'labor.timecard.updated',
] as const;

/** A change to one timecard, from a webhook or the reconciler (both carry the whole timecard). */
export function timecardChange(
  stores: SchedulingStores,
  timecard: Timecard,
  updatedAt: string,
): EntityChange<Timecard> {
  return {
    entity: `timecard:${timecard.id}`,
    version: timecard.version,
    topic: timecardChangedTopic,
    async resolve() {
      await Promise.all([
        stores.timecard.invalidate([timecard.id]),
        stores.openTimecardsByLocation.invalidate([timecard.locationId]),
        stores.openTimecardByTeamMember.invalidate([timecard.teamMemberId]),
      ]);
      return { version: timecard.version, occurredAt: updatedAt, payload: timecard };
    },
  };
}

export function schedulingWebhookChanges(stores: SchedulingStores) {
  return (event: SquareWebhookEvent): EntityChange[] => {
    if (event.type !== 'labor.timecard.created' && event.type !== 'labor.timecard.updated') {
      return [];
    }
    const wire = event.data?.object?.timecard as WireTimecard | undefined;
    if (!wire?.id || !wire.location_id || !wire.team_member_id || !wire.start_at) {
      throw new Error(`${event.type} ${event.event_id} has no timecard`);
    }
    if (typeof wire.version !== 'number') {
      throw new Error(`${event.type} ${event.event_id}: timecard ${wire.id} has no version`);
    }
    const updatedAt = wire.updated_at ?? event.created_at ?? wire.start_at;
    return [timecardChange(stores, toTimecard(wire), updatedAt)];
  };
}
