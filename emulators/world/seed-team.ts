/**
 * The team: an owner, and at each location a general manager, a day crew, a night crew
 * (one night cook also covers the next location) and one former server (INACTIVE).
 */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type { JobAssignment, Location, TeamMember } from '../square-types.ts';
import { DAY, formatUtc } from '../time.ts';
import { usd } from './order-pricing.ts';

interface JobSpec {
  title: string;
  /** Hourly rate range in cents, or the annual salary range for salaried jobs. */
  pay: { hourly: readonly [number, number] } | { annual: readonly [number, number] };
  tipEligible: boolean;
}

const jobSpecs = {
  manager: {
    title: 'General Manager',
    pay: { annual: [6_200_000, 7_400_000] },
    tipEligible: false,
  },
  cook: { title: 'Line Cook', pay: { hourly: [1850, 2250] }, tipEligible: false },
  server: { title: 'Server', pay: { hourly: [900, 1150] }, tipEligible: true },
  host: { title: 'Host', pay: { hourly: [1600, 1800] }, tipEligible: true },
  dishwasher: { title: 'Dishwasher', pay: { hourly: [1650, 1850] }, tipEligible: false },
} as const satisfies Record<string, JobSpec>;

type JobKey = keyof typeof jobSpecs;

const dayCrew: JobKey[] = ['manager', 'cook', 'cook', 'server', 'host'];
const nightCrew: JobKey[] = ['cook', 'server', 'server', 'dishwasher'];
const SALARIED_WEEKLY_HOURS = 45;

const givenNames = [
  'Ava',
  'Ben',
  'Carla',
  'Dev',
  'Elena',
  'Farah',
  'Gus',
  'Hana',
  'Ivan',
  'Jo',
  'Kai',
  'Lena',
  'Marco',
  'Nia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Vik',
  'Wes',
  'Yara',
];
const familyNames = [
  'Alvarez',
  'Brooks',
  'Chen',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ibrahim',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Murphy',
  'Nguyen',
  'Okafor',
  'Patel',
  'Reyes',
  'Sato',
  'Turner',
  'Walsh',
];

export interface LocationCrews {
  location: Location;
  day: TeamMember[];
  night: TeamMember[];
}

/** What a timecard needs to know about a member's main job. */
export interface PrimaryJob {
  jobId: string;
  title: string;
  hourlyRate: number;
  tipEligible: boolean;
}

export function seedTeam(random: Random, ids: IdFactory, locations: Location[], now: number) {
  const jobIds = Object.fromEntries(Object.keys(jobSpecs).map((key) => [key, ids.job()])) as Record<
    JobKey,
    string
  >;
  const ownerJobId = ids.job();
  const teamMembers = new Map<string, TeamMember>();
  let employeeNumber = 0;

  const hire = (
    jobs: JobAssignment[],
    locationIds: string[] | 'ALL',
    status: TeamMember['status'],
  ) => {
    const id = ids.teamMember();
    const given = random.pick(givenNames);
    const family = random.pick(familyNames);
    const createdAt = now - random.int(30, 900) * DAY;
    const updatedAt = createdAt + random.int(0, Math.floor((now - createdAt) / DAY)) * DAY;
    employeeNumber += 1;
    const member: TeamMember = {
      id,
      reference_id: `EMP-${String(employeeNumber).padStart(4, '0')}`,
      is_owner: locationIds === 'ALL',
      status,
      given_name: given,
      family_name: family,
      email_address: `${given}.${family}.${employeeNumber}@bluebirddiner.example`.toLowerCase(),
      phone_number: `+1555${String(random.int(1_000_000, 9_999_999))}`,
      created_at: formatUtc(createdAt),
      updated_at: formatUtc(updatedAt),
      assigned_locations:
        locationIds === 'ALL'
          ? { assignment_type: 'ALL_CURRENT_AND_FUTURE_LOCATIONS' }
          : { assignment_type: 'EXPLICIT_LOCATIONS', location_ids: locationIds },
      wage_setting: {
        team_member_id: id,
        job_assignments: jobs,
        is_overtime_exempt: jobs.some((job) => job.pay_type !== 'HOURLY'),
        version: random.int(1, 3),
        created_at: formatUtc(createdAt),
        updated_at: formatUtc(updatedAt),
      },
    };
    teamMembers.set(id, member);
    return member;
  };

  const assignment = (key: JobKey): JobAssignment => {
    const spec: JobSpec = jobSpecs[key];
    if ('annual' in spec.pay) {
      const annual =
        Math.round(random.int(spec.pay.annual[0], spec.pay.annual[1]) / 10_000) * 10_000;
      return {
        job_title: spec.title,
        pay_type: 'SALARY',
        annual_rate: usd(annual),
        weekly_hours: SALARIED_WEEKLY_HOURS,
        hourly_rate: usd(Math.round(annual / 52 / SALARIED_WEEKLY_HOURS)),
        job_id: jobIds[key],
      };
    }
    const hourly = Math.round(random.int(spec.pay.hourly[0], spec.pay.hourly[1]) / 25) * 25;
    return {
      job_title: spec.title,
      pay_type: 'HOURLY',
      hourly_rate: usd(hourly),
      job_id: jobIds[key],
    };
  };

  hire([{ job_title: 'Owner', pay_type: 'NONE', job_id: ownerJobId }], 'ALL', 'ACTIVE');
  const crews: LocationCrews[] = locations.map((location, index) => {
    const next = locations[(index + 1) % locations.length] ?? location;
    const day = dayCrew.map((key) => hire([assignment(key)], [location.id], 'ACTIVE'));
    const night = nightCrew.map((key, position) =>
      hire([assignment(key)], position === 0 ? [location.id, next.id] : [location.id], 'ACTIVE'),
    );
    hire([assignment('server')], [location.id], 'INACTIVE');
    return { location, day, night };
  });
  return { teamMembers, crews };
}

export function primaryJobOf(member: TeamMember): PrimaryJob {
  const job = member.wage_setting.job_assignments[0];
  if (!job) throw new Error(`team member ${member.id} has no job assignment`);
  return {
    jobId: job.job_id,
    title: job.job_title,
    hourlyRate: job.hourly_rate?.amount ?? 0,
    tipEligible: job.job_title === jobSpecs.server.title || job.job_title === jobSpecs.host.title,
  };
}
