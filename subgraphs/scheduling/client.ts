import type { VendorHttp } from '../kit/vendorHttp.ts';

/** Square's Team and Labor APIs (timecards, scheduled shifts): the only code that knows their wire format. */

export interface Money {
  amount: number;
  currency: string;
}

export type TeamMemberStatus = 'ACTIVE' | 'INACTIVE';
export interface TeamMember {
  id: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string;
  email: string | null;
  status: TeamMemberStatus;
  isOwner: boolean;
  /** The locations the member works at; null means every location. */
  locationIds: string[] | null;
}

export type TimecardStatus = 'OPEN' | 'CLOSED';
export interface Timecard {
  id: string;
  teamMemberId: string;
  locationId: string;
  status: TimecardStatus;
  startAt: string;
  endAt: string | null;
  breaks: { name: string | null; startAt: string; endAt: string | null; isPaid: boolean }[];
  wage: { title: string | null; hourlyRate: Money | null } | null;
  version: number;
}

export interface ScheduledShift {
  id: string;
  teamMemberId: string | null;
  locationId: string;
  startAt: string;
  endAt: string;
  notes: string | null;
  isPublished: boolean;
  version: number;
}

export const schedulingLimits = {
  teamMembersPerPage: 200,
  timecardsPerPage: 200,
  shiftsPerPage: 50,
  /** Square publishes no cap on filter ids; these keep request bodies small. */
  locationIdsPerFilter: 10,
  teamMemberIdsPerFilter: 200,
} as const;

interface WireMoney {
  amount?: number;
  currency?: string;
}
interface WireTeamMember {
  id: string;
  given_name?: string;
  family_name?: string;
  email_address?: string;
  status?: string;
  is_owner?: boolean;
  assigned_locations?: { assignment_type?: string; location_ids?: string[] };
}
export interface WireTimecard {
  id: string;
  team_member_id: string;
  location_id: string;
  status?: string;
  start_at: string;
  end_at?: string;
  breaks?: { name?: string; start_at: string; end_at?: string; is_paid?: boolean }[];
  wage?: { title?: string; hourly_rate?: WireMoney };
  version?: number;
  updated_at?: string;
}
interface WireShiftDetails {
  team_member_id?: string;
  location_id?: string;
  start_at?: string;
  end_at?: string;
  notes?: string;
  is_deleted?: boolean;
}
interface WireScheduledShift {
  id: string;
  draft_shift_details?: WireShiftDetails;
  published_shift_details?: WireShiftDetails;
  version?: number;
}

export function createSchedulingClient(http: VendorHttp) {
  /** Follows a search's cursors to the end, collecting one list field of every page. */
  async function searchAll<W>(route: string, field: string, body: object, limit: number) {
    const found: W[] = [];
    let cursor: string | undefined;
    do {
      const page = await http.request<Record<string, unknown> & { cursor?: string }>({
        method: 'POST',
        route,
        path: route,
        body: { ...body, limit, ...(cursor ? { cursor } : {}) },
      });
      found.push(...((page?.[field] as W[] | undefined) ?? []));
      cursor = page?.cursor;
    } while (cursor);
    return found;
  }

  return {
    /** Every team member of the merchant (Square's search has no id filter to batch by). */
    async listTeamMembers(): Promise<TeamMember[]> {
      const wire = await searchAll<WireTeamMember>(
        '/v2/team-members/search',
        'team_members',
        {},
        schedulingLimits.teamMembersPerPage,
      );
      return wire.map(toTeamMember);
    },

    async searchTimecards(filter: {
      locationIds?: readonly string[];
      teamMemberIds?: readonly string[];
      status?: TimecardStatus;
    }): Promise<Timecard[]> {
      const wire = await searchAll<WireTimecard>(
        '/v2/labor/timecards/search',
        'timecards',
        {
          query: {
            filter: {
              ...(filter.locationIds ? { location_ids: filter.locationIds } : {}),
              ...(filter.teamMemberIds ? { team_member_ids: filter.teamMemberIds } : {}),
              ...(filter.status ? { status: filter.status } : {}),
            },
          },
        },
        schedulingLimits.timecardsPerPage,
      );
      return wire.map(toTimecard);
    },

    /**
     * One page of timecards, the most recently updated first. Square's timecard search has no
     * `updated_at` filter, but it sorts on it, so a reader of changes stops at the first page
     * older than it cares about.
     */
    async timecardsByUpdate(page: {
      limit: number;
      cursor?: string | undefined;
    }): Promise<{ timecards: { timecard: Timecard; updatedAt: string }[]; cursor: string | null }> {
      const body = await http.request<{ timecards?: WireTimecard[]; cursor?: string }>({
        method: 'POST',
        route: '/v2/labor/timecards/search',
        path: '/v2/labor/timecards/search',
        body: {
          query: { sort: { field: 'UPDATED_AT', order: 'DESC' } },
          limit: page.limit,
          ...(page.cursor ? { cursor: page.cursor } : {}),
        },
      });
      return {
        timecards: (body?.timecards ?? []).map((wire) => ({
          timecard: toTimecard(wire),
          updatedAt: wire.updated_at ?? wire.start_at,
        })),
        cursor: body?.cursor ?? null,
      };
    },

    async retrieveTimecard(id: string): Promise<Timecard | undefined> {
      const body = await http.request<{ timecard?: WireTimecard }>({
        method: 'GET',
        route: '/v2/labor/timecards/{id}',
        path: `/v2/labor/timecards/${encodeURIComponent(id)}`,
      });
      return body?.timecard ? toTimecard(body.timecard) : undefined;
    },

    /** Shifts starting in [from, to) at the locations, by start time. */
    async searchScheduledShifts(filter: {
      locationIds: readonly string[];
      from: string;
      to: string;
    }): Promise<ScheduledShift[]> {
      const wire = await searchAll<WireScheduledShift>(
        '/v2/labor/scheduled-shifts/search',
        'scheduled_shifts',
        {
          query: {
            filter: {
              location_ids: filter.locationIds,
              start: { start_at: filter.from, end_at: filter.to },
            },
          },
        },
        schedulingLimits.shiftsPerPage,
      );
      return wire.flatMap((shift) => toScheduledShift(shift) ?? []);
    },

    async retrieveScheduledShift(id: string): Promise<ScheduledShift | undefined> {
      const body = await http.request<{ scheduled_shift?: WireScheduledShift }>({
        method: 'GET',
        route: '/v2/labor/scheduled-shifts/{id}',
        path: `/v2/labor/scheduled-shifts/${encodeURIComponent(id)}`,
      });
      return body?.scheduled_shift ? toScheduledShift(body.scheduled_shift) : undefined;
    },
  };
}

export type SchedulingClient = ReturnType<typeof createSchedulingClient>;

function toMoney(wire: WireMoney | undefined): Money | null {
  return wire?.amount === undefined
    ? null
    : { amount: wire.amount, currency: wire.currency ?? 'USD' };
}

function toTeamMember(wire: WireTeamMember): TeamMember {
  const names = [wire.given_name, wire.family_name].filter(Boolean).join(' ');
  const assigned = wire.assigned_locations;
  return {
    id: wire.id,
    givenName: wire.given_name ?? null,
    familyName: wire.family_name ?? null,
    displayName: names || wire.email_address || wire.id,
    email: wire.email_address ?? null,
    status: wire.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    isOwner: wire.is_owner ?? false,
    locationIds:
      assigned?.assignment_type === 'ALL_CURRENT_AND_FUTURE_LOCATIONS'
        ? null
        : (assigned?.location_ids ?? []),
  };
}

export function toTimecard(wire: WireTimecard): Timecard {
  return {
    id: wire.id,
    teamMemberId: wire.team_member_id,
    locationId: wire.location_id,
    status: wire.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    startAt: wire.start_at,
    endAt: wire.end_at ?? null,
    breaks: (wire.breaks ?? []).map((b) => ({
      name: b.name ?? null,
      startAt: b.start_at,
      endAt: b.end_at ?? null,
      isPaid: b.is_paid ?? false,
    })),
    wage: wire.wage
      ? { title: wire.wage.title ?? null, hourlyRate: toMoney(wire.wage.hourly_rate) }
      : null,
    version: wire.version ?? 0,
  };
}

/** The published details when there are any, else the draft; a deleted shift is no shift. */
function toScheduledShift(wire: WireScheduledShift): ScheduledShift | undefined {
  const details = wire.published_shift_details ?? wire.draft_shift_details;
  if (
    !details ||
    details.is_deleted ||
    !details.location_id ||
    !details.start_at ||
    !details.end_at
  ) {
    return undefined;
  }
  return {
    id: wire.id,
    teamMemberId: details.team_member_id ?? null,
    locationId: details.location_id,
    startAt: details.start_at,
    endAt: details.end_at,
    notes: details.notes ?? null,
    isPublished: wire.published_shift_details !== undefined,
    version: wire.version ?? 0,
  };
}
