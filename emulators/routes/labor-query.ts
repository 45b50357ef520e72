/**
 * The query shape scheduled shifts and timecards share: filter by locations, team members
 * and start/end ranges (inclusive, per Square), sort by one of four time fields.
 */
import { type FieldReader, inWindow, type TimeWindow } from '../request-fields.ts';

const sortFields = ['START_AT', 'END_AT', 'CREATED_AT', 'UPDATED_AT'] as const;
export type LaborSortField = (typeof sortFields)[number];

export interface LaborQuery {
  locationIds?: string[];
  teamMemberIds?: string[];
  start?: TimeWindow;
  end?: TimeWindow;
  sortField: LaborSortField;
  descending: boolean;
}

/** The fields a query can test and sort on, as epoch milliseconds (end may be absent). */
export interface LaborRecord {
  id: string;
  locationId: string;
  teamMemberId: string;
  startAt: number;
  endAt?: number;
  createdAt: number;
  updatedAt: number;
}

export function readLaborQuery(
  query: FieldReader | undefined,
  defaultOrder: 'ASC' | 'DESC',
): LaborQuery {
  const filter = query?.object('filter');
  const sort = query?.object('sort');
  const labor: LaborQuery = {
    sortField: sort?.enumValue('field', sortFields) ?? 'START_AT',
    descending: (sort?.enumValue('order', ['ASC', 'DESC']) ?? defaultOrder) === 'DESC',
  };
  const locationIds = filter?.stringArray('location_ids');
  const teamMemberIds = filter?.stringArray('team_member_ids');
  const start = filter?.timeWindow('start');
  const end = filter?.timeWindow('end');
  if (locationIds && locationIds.length > 0) labor.locationIds = locationIds;
  if (teamMemberIds && teamMemberIds.length > 0) labor.teamMemberIds = teamMemberIds;
  if (start) labor.start = start;
  if (end) labor.end = end;
  return labor;
}

export function matchesLaborQuery(record: LaborRecord, query: LaborQuery): boolean {
  return (
    (!query.locationIds || query.locationIds.includes(record.locationId)) &&
    (!query.teamMemberIds || query.teamMemberIds.includes(record.teamMemberId)) &&
    (!query.start || inWindow(record.startAt, query.start, true)) &&
    (!query.end || (record.endAt !== undefined && inWindow(record.endAt, query.end, true)))
  );
}

/** Orders records by the query's sort field; records lacking it (open timecards' end) go last. */
export function compareLaborRecords(query: LaborQuery): (a: LaborRecord, b: LaborRecord) => number {
  const sortValue = (record: LaborRecord): number | undefined => {
    switch (query.sortField) {
      case 'START_AT':
        return record.startAt;
      case 'END_AT':
        return record.endAt;
      case 'CREATED_AT':
        return record.createdAt;
      case 'UPDATED_AT':
        return record.updatedAt;
    }
  };
  return (a, b) => {
    const left = sortValue(a);
    const right = sortValue(b);
    if (left === undefined || right === undefined) {
      return left === right ? a.id.localeCompare(b.id) : left === undefined ? 1 : -1;
    }
    return (left - right || a.id.localeCompare(b.id)) * (query.descending ? -1 : 1);
  };
}
