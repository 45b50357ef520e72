/**
 * A week of rota around `now` (three days back, three ahead) and the timecards it produced.
 * The diners never close: a day slot (07:00-19:00 local) and a night slot (19:00-07:00), each
 * worked by 3-5 of its crew, so at any `now` every location has 3-5 people clocked in.
 * Shifts starting within two days are published; later ones are still drafts.
 */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type {
  Break,
  Location,
  ScheduledShift,
  ScheduledShiftDetails,
  TeamMember,
  Timecard,
} from '../square-types.ts';
import {
  DAY,
  formatInZone,
  formatUtc,
  HOUR,
  instantOfWallTime,
  MINUTE,
  wallTimeAt,
} from '../time.ts';
import { usd } from './order-pricing.ts';
import { type LocationCrews, primaryJobOf } from './seed-team.ts';

const slots = [
  { crew: 'day', startHour: 7 },
  { crew: 'night', startHour: 19 },
] as const;
const SLOT_HOURS = 12;
const DAYS_AROUND_NOW = 3;
const PUBLISHED_AHEAD = 2 * DAY;
const notes = [
  'Training a new host',
  'Inventory count after close',
  'Covering for a swap',
  'Deep clean',
];

interface BreakPlan {
  typeId: string;
  name: string;
  /** Offset from clock-in and length, in minutes. */
  after: number;
  minutes: number;
  isPaid: boolean;
}

export function seedLabor(random: Random, ids: IdFactory, crews: LocationCrews[], now: number) {
  const scheduledShifts = new Map<string, ScheduledShift>();
  const timecards = new Map<string, Timecard>();

  for (const { location, day, night } of crews) {
    const timezone = location.timezone;
    const mealBreakType = ids.breakType();
    const restBreakType = ids.breakType();
    const today = wallTimeAt(now, timezone);
    const shiftsHere: { start: number; end: number; member: TeamMember; shift: ScheduledShift }[] =
      [];
    for (let offset = -DAYS_AROUND_NOW; offset <= DAYS_AROUND_NOW; offset++) {
      for (const slot of slots) {
        const crew = slot.crew === 'day' ? day : night;
        const wall = { ...today, day: today.day + offset, hour: slot.startHour, minute: 0 };
        const start = instantOfWallTime(wall, timezone);
        const end = instantOfWallTime({ ...wall, hour: slot.startHour + SLOT_HOURS }, timezone);
        for (const member of random.sample(crew, random.int(3, crew.length))) {
          const details: ScheduledShiftDetails = {
            team_member_id: member.id,
            location_id: location.id,
            job_id: primaryJobOf(member).jobId,
            start_at: formatInZone(start, timezone),
            end_at: formatInZone(end, timezone),
            ...(random.chance(0.1) ? { notes: random.pick(notes) } : {}),
            is_deleted: false,
            timezone,
          };
          const createdAt = start - random.int(7, 14) * DAY;
          const shift =
            start < now + PUBLISHED_AHEAD ? publish(details, createdAt) : draft(details, createdAt);
          scheduledShifts.set(shift.id, shift);
          shiftsHere.push({ start, end, member, shift });
        }
      }
    }
    for (const { start, end, member } of shiftsHere.sort((a, b) => a.start - b.start)) {
      if (start > now) continue;
      const timecard = workShift(member, location, start, end, [
        {
          typeId: mealBreakType,
          name: 'Meal Break',
          after: random.int(300, 360),
          minutes: 30,
          isPaid: false,
        },
        {
          typeId: restBreakType,
          name: 'Rest Break',
          after: random.int(540, 570),
          minutes: 10,
          isPaid: true,
        },
      ]);
      timecards.set(timecard.id, timecard);
    }
    // Published shifts later in the week sometimes have draft edits not yet published.
    for (const { start, shift } of shiftsHere) {
      if (start > now && shift.published_shift_details && random.chance(0.1)) {
        shift.draft_shift_details = { ...shift.draft_shift_details, notes: 'Swap requested' };
        shift.version += 1;
        shift.updated_at = formatUtc(now - random.int(10, 600) * MINUTE);
      }
    }
  }

  function publish(details: ScheduledShiftDetails, createdAt: number): ScheduledShift {
    return {
      id: ids.scheduledShift(),
      draft_shift_details: details,
      published_shift_details: { ...details },
      version: 2,
      created_at: formatUtc(createdAt),
      updated_at: formatUtc(createdAt + random.int(1, 48) * HOUR),
    };
  }

  function draft(details: ScheduledShiftDetails, createdAt: number): ScheduledShift {
    return {
      id: ids.scheduledShift(),
      draft_shift_details: details,
      version: 1,
      created_at: formatUtc(createdAt),
      updated_at: formatUtc(createdAt),
    };
  }

  /** Clock in a few minutes early; clock out a little late, or stay OPEN if still working. */
  function workShift(
    member: TeamMember,
    location: Location,
    start: number,
    end: number,
    plans: BreakPlan[],
  ): Timecard {
    const timezone = location.timezone;
    const job = primaryJobOf(member);
    const clockIn = start - random.int(1, 10) * MINUTE;
    const clockOut = end <= now ? Math.min(end + random.int(0, 15) * MINUTE, now) : undefined;
    const workedUntil = clockOut ?? now;
    const breaks: Break[] = [];
    let lastEvent = clockIn;
    for (const plan of plans) {
      const breakStart = clockIn + plan.after * MINUTE;
      if (breakStart >= workedUntil) continue;
      const breakEnd = breakStart + (plan.minutes + random.int(0, 5)) * MINUTE;
      const ended = breakEnd <= workedUntil;
      breaks.push({
        id: ids.uuid(),
        start_at: formatInZone(breakStart, timezone),
        ...(ended ? { end_at: formatInZone(breakEnd, timezone) } : {}),
        break_type_id: plan.typeId,
        name: plan.name,
        expected_duration: `PT${plan.minutes}M`,
        is_paid: plan.isPaid,
      });
      lastEvent = ended ? breakEnd : breakStart;
    }
    if (clockOut !== undefined) lastEvent = clockOut;
    const events = 1 + breaks.reduce((count, entry) => count + (entry.end_at ? 2 : 1), 0);
    return {
      id: ids.timecard(),
      location_id: location.id,
      timezone,
      start_at: formatInZone(clockIn, timezone),
      ...(clockOut === undefined ? {} : { end_at: formatInZone(clockOut, timezone) }),
      wage: {
        title: job.title,
        hourly_rate: usd(job.hourlyRate),
        job_id: job.jobId,
        tip_eligible: job.tipEligible,
      },
      ...(breaks.length > 0 ? { breaks } : {}),
      status: clockOut === undefined ? 'OPEN' : 'CLOSED',
      version: events + (clockOut === undefined ? 0 : 1),
      created_at: formatUtc(clockIn),
      updated_at: formatUtc(lastEvent),
      team_member_id: member.id,
    };
  }

  return { scheduledShifts, timecards };
}
