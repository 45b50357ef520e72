/**
 * Clocking in and out, for tests and demos that need "who is on shift" to change (the
 * labor emulator serves timecards read-only). A member works at an assigned location and
 * has at most one OPEN timecard.
 */
import type { Timecard } from '../square-types.ts';
import { formatInZone, formatUtc } from '../time.ts';
import { usd } from './order-pricing.ts';
import { accepted, refused, type WriteResult } from './outcomes.ts';
import { primaryJobOf } from './seed-team.ts';
import { locationById, type WorldContext } from './state.ts';

export interface ClockInInput {
  teamMemberId: string;
  locationId: string;
  /** Epoch milliseconds; defaults to the world clock. */
  at?: number;
}

export function clockIn(context: WorldContext, input: ClockInInput): WriteResult<Timecard> {
  const member = context.state.teamMembers.get(input.teamMemberId);
  if (member?.status !== 'ACTIVE') {
    return refused('invalid', `No active team member ${input.teamMemberId}.`, 'team_member_id');
  }
  const location = locationById(context.state, input.locationId);
  const assigned =
    member.assigned_locations.assignment_type === 'ALL_CURRENT_AND_FUTURE_LOCATIONS' ||
    member.assigned_locations.location_ids?.includes(input.locationId);
  if (!location || !assigned) {
    return refused(
      'invalid',
      `${member.id} is not assigned to location ${input.locationId}.`,
      'location_id',
    );
  }
  const alreadyOpen = [...context.state.timecards.values()].some(
    (timecard) => timecard.team_member_id === member.id && timecard.status === 'OPEN',
  );
  if (alreadyOpen)
    return refused('invalid', `${member.id} is already clocked in.`, 'team_member_id');
  const at = input.at ?? context.clock();
  const job = primaryJobOf(member);
  const timecard: Timecard = {
    id: context.ids.timecard(),
    location_id: location.id,
    timezone: location.timezone,
    start_at: formatInZone(at, location.timezone),
    wage: {
      title: job.title,
      hourly_rate: usd(job.hourlyRate),
      job_id: job.jobId,
      tip_eligible: job.tipEligible,
    },
    status: 'OPEN',
    version: 1,
    created_at: formatUtc(at),
    updated_at: formatUtc(at),
    team_member_id: member.id,
  };
  context.state.timecards.set(timecard.id, timecard);
  context.emit({ kind: 'labor.timecard.created', object: timecard });
  return accepted(timecard);
}

/** Closes an OPEN timecard, ending any break still running. */
export function clockOut(
  context: WorldContext,
  timecardId: string,
  at?: number,
): WriteResult<Timecard> {
  const current = context.state.timecards.get(timecardId);
  if (!current) return refused('not_found', `Timecard ${timecardId} not found.`);
  if (current.status !== 'OPEN')
    return refused('invalid', `Timecard ${timecardId} is already closed.`, 'status');
  const endedAt = at ?? context.clock();
  const end = formatInZone(endedAt, current.timezone);
  const timecard: Timecard = {
    ...current,
    end_at: end,
    ...(current.breaks
      ? { breaks: current.breaks.map((entry) => ({ end_at: end, ...entry })) }
      : {}),
    status: 'CLOSED',
    version: current.version + 1,
    updated_at: formatUtc(endedAt),
  };
  context.state.timecards.set(timecard.id, timecard);
  context.emit({ kind: 'labor.timecard.updated', object: timecard });
  return accepted(timecard);
}
