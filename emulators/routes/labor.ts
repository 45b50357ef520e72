/**
 * Square's Labor API, read side: scheduled shifts (filtered and sorted on their published
 * details when published, else the draft) and timecards.
 */
import { pageBody, paginate } from '../cursor.ts';
import { readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { squareError } from '../square-errors.ts';
import { type ScheduledShift, type Timecard, timecardStatuses } from '../square-types.ts';
import type { World } from '../world.ts';
import {
  compareLaborRecords,
  type LaborRecord,
  matchesLaborQuery,
  readLaborQuery,
} from './labor-query.ts';

export function laborRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/labor/scheduled-shifts/search',
      handle: ({ body }) => {
        const fields = readFields(body);
        const query = readLaborQuery(fields.object('query'), 'ASC');
        const limit = fields.limit('limit', 50, 50);
        const compare = compareLaborRecords(query);
        const shifts = [...world.scheduledShifts.values()]
          .flatMap((shift) => {
            const record = shiftRecord(shift);
            return record && matchesLaborQuery(record, query) ? [{ shift, record }] : [];
          })
          .sort((a, b) => compare(a.record, b.record))
          .map(({ shift }) => shift);
        const page = paginate(shifts, {
          scope: 'POST /v2/labor/scheduled-shifts/search',
          query: body,
          cursor: fields.string('cursor'),
          limit,
        });
        return pageBody('scheduled_shifts', page);
      },
    },
    {
      method: 'GET',
      path: '/v2/labor/scheduled-shifts/{id}',
      handle: ({ params }) => {
        const shift = world.scheduledShifts.get(params.id ?? '');
        if (!shift || !shiftRecord(shift))
          throw squareError('NOT_FOUND', `Scheduled shift ${params.id} not found.`);
        return { scheduled_shift: shift };
      },
    },
    {
      method: 'POST',
      path: '/v2/labor/timecards/search',
      handle: ({ body }) => {
        const fields = readFields(body);
        const queryFields = fields.object('query');
        const query = readLaborQuery(queryFields, 'DESC');
        const status = queryFields?.object('filter')?.enumValue('status', timecardStatuses);
        const limit = fields.limit('limit', 200, 200);
        const compare = compareLaborRecords(query);
        const timecards = [...world.timecards.values()]
          .map((timecard) => ({ timecard, record: timecardRecord(timecard) }))
          .filter(
            ({ timecard, record }) =>
              (!status || timecard.status === status) && matchesLaborQuery(record, query),
          )
          .sort((a, b) => compare(a.record, b.record))
          .map(({ timecard }) => timecard);
        const page = paginate(timecards, {
          scope: 'POST /v2/labor/timecards/search',
          query: body,
          cursor: fields.string('cursor'),
          limit,
        });
        return pageBody('timecards', page);
      },
    },
    {
      method: 'GET',
      path: '/v2/labor/timecards/{id}',
      handle: ({ params }) => {
        const timecard = world.timecards.get(params.id ?? '');
        if (!timecard) throw squareError('NOT_FOUND', `Timecard ${params.id} not found.`);
        return { timecard };
      },
    },
  ];
}

/** The shift as searches see it; undefined once its draft is deleted. */
function shiftRecord(shift: ScheduledShift): LaborRecord | undefined {
  if (shift.draft_shift_details.is_deleted) return undefined;
  const details = shift.published_shift_details ?? shift.draft_shift_details;
  return {
    id: shift.id,
    locationId: details.location_id,
    teamMemberId: details.team_member_id,
    startAt: Date.parse(details.start_at),
    endAt: Date.parse(details.end_at),
    createdAt: Date.parse(shift.created_at),
    updatedAt: Date.parse(shift.updated_at),
  };
}

function timecardRecord(timecard: Timecard): LaborRecord {
  return {
    id: timecard.id,
    locationId: timecard.location_id,
    teamMemberId: timecard.team_member_id,
    startAt: Date.parse(timecard.start_at),
    ...(timecard.end_at ? { endAt: Date.parse(timecard.end_at) } : {}),
    createdAt: Date.parse(timecard.created_at),
    updatedAt: Date.parse(timecard.updated_at),
  };
}
