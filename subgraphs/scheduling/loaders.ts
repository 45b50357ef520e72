import type DataLoader from 'dataloader';
import type { EntityCache } from '../kit/entityCache.ts';
import {
  createEntityStore,
  createListLoaders,
  type EntityStore,
  WHOLE_LIST,
} from '../kit/entityStore.ts';
import {
  type ScheduledShift,
  type SchedulingClient,
  schedulingLimits,
  type TeamMember,
  type Timecard,
} from './client.ts';

/**
 * Team and labor data by key. Square's team search has no id filter, so members come from the
 * roster (one search for the whole team, cached); open timecards are batched by location or by
 * member into one timecards search; single timecards and shifts have only a GET by id.
 */
export interface SchedulingStores {
  teamRoster: EntityStore<TeamMember[]>;
  timecard: EntityStore<Timecard>;
  openTimecardsByLocation: EntityStore<Timecard[]>;
  openTimecardByTeamMember: EntityStore<Timecard[]>;
  scheduledShift: EntityStore<ScheduledShift>;
  /** Key: `locationId|from|to`. */
  shiftsByLocation: EntityStore<ScheduledShift[]>;
}

export interface SchedulingLoaders {
  allTeamMembers(): Promise<TeamMember[]>;
  teamMember: DataLoader<string, TeamMember>;
  timecard: DataLoader<string, Timecard>;
  openTimecardsByLocation: DataLoader<string, Timecard[]>;
  openTimecardByTeamMember: DataLoader<string, Timecard[]>;
  scheduledShift: DataLoader<string, ScheduledShift>;
  shiftsByLocation: DataLoader<string, ScheduledShift[]>;
}

function groupBy<V>(keys: readonly string[], values: readonly V[], keyOf: (value: V) => string) {
  const groups = new Map<string, V[]>(keys.map((key) => [key, []]));
  for (const value of values) groups.get(keyOf(value))?.push(value);
  return groups;
}

const present = <V>(id: string, value: V | undefined) =>
  new Map(value === undefined ? [] : [[id, value]]);

export function createSchedulingStores(
  client: SchedulingClient,
  settings: { cache: EntityCache | undefined; batching: boolean },
): SchedulingStores {
  const { cache, batching } = settings;
  const limit = (vendorLimit: number) => (batching ? vendorLimit : 1);
  const timecard = createEntityStore<Timecard>({
    kind: 'timecard',
    typeName: 'Timecard',
    maxBatchSize: 1,
    cache,
    fetchMany: async ([id]) => present(id as string, await client.retrieveTimecard(id as string)),
  });
  const primeTimecards = (found: Map<string, Timecard[]>) =>
    timecard.prime(new Map([...found.values()].flat().map((t) => [t.id, t])));

  return {
    timecard,
    teamRoster: createEntityStore({
      kind: 'teamRoster',
      typeName: 'Team roster',
      maxBatchSize: 1,
      cache,
      fetchMany: async () => new Map([[WHOLE_LIST, await client.listTeamMembers()]]),
    }),
    openTimecardsByLocation: createEntityStore({
      kind: 'openTimecardsByLocation',
      typeName: 'Location timecards',
      maxBatchSize: limit(schedulingLimits.locationIdsPerFilter),
      cache,
      fetchMany: async (locationIds) => {
        const timecards = await client.searchTimecards({ locationIds, status: 'OPEN' });
        const found = groupBy(locationIds, timecards, (t) => t.locationId);
        await primeTimecards(found);
        return found;
      },
    }),
    openTimecardByTeamMember: createEntityStore({
      kind: 'openTimecardsByTeamMember',
      typeName: 'Team member timecards',
      maxBatchSize: limit(schedulingLimits.teamMemberIdsPerFilter),
      cache,
      fetchMany: async (teamMemberIds) => {
        const timecards = await client.searchTimecards({ teamMemberIds, status: 'OPEN' });
        return groupBy(teamMemberIds, timecards, (t) => t.teamMemberId);
      },
    }),
    scheduledShift: createEntityStore({
      kind: 'scheduledShift',
      typeName: 'ScheduledShift',
      maxBatchSize: 1,
      cache,
      fetchMany: async ([id]) =>
        present(id as string, await client.retrieveScheduledShift(id as string)),
    }),
    shiftsByLocation: createEntityStore({
      kind: 'shiftsByLocation',
      typeName: 'Location shifts',
      maxBatchSize: 1,
      cache,
      fetchMany: async ([key]) => {
        const [locationId = '', from = '', to = ''] = (key as string).split('|');
        const shifts = await client.searchScheduledShifts({ locationIds: [locationId], from, to });
        return new Map([[key as string, shifts]]);
      },
    }),
  };
}

export function createSchedulingLoaders(
  stores: SchedulingStores,
  settings: { batching: boolean },
): SchedulingLoaders {
  const batch = settings.batching;
  const roster = createListLoaders(stores.teamRoster, 'TeamMember');
  return {
    allTeamMembers: roster.all,
    teamMember: roster.byId,
    timecard: stores.timecard.createLoader({ batch }),
    openTimecardsByLocation: stores.openTimecardsByLocation.createLoader({ batch }),
    openTimecardByTeamMember: stores.openTimecardByTeamMember.createLoader({ batch }),
    scheduledShift: stores.scheduledShift.createLoader({ batch }),
    shiftsByLocation: stores.shiftsByLocation.createLoader({ batch }),
  };
}
