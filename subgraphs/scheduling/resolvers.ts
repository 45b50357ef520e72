import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { orNull } from '../kit/errors.ts';
import { type DomainEvent, type EventBus, EventTopic, eventsOf } from '../kit/eventBus.ts';
import { lazyFields } from '../kit/lazyFields.ts';
import type { ScheduledShift, TeamMember, TeamMemberStatus, Timecard } from './client.ts';
import type { SchedulingLoaders } from './loaders.ts';

export interface SchedulingContext {
  loaders: SchedulingLoaders;
  bus: EventBus;
}

type Ref = { id: string };

export const schedulingResolvers: GraphQLResolverMap<SchedulingContext> = {
  Query: {
    teamMember: (_root, { id }: Ref, { loaders }) => orNull(loaders.teamMember.load(id)),
    timecard: (_root, { id }: Ref, { loaders }) => orNull(loaders.timecard.load(id)),
    scheduledShift: (_root, { id }: Ref, { loaders }) => orNull(loaders.scheduledShift.load(id)),
  },
  Subscription: {
    timecardChanged: {
      subscribe: (_root, { locationId }: { locationId: string }, { bus }) =>
        eventsOf<Timecard>(bus, EventTopic.timecardChanged, (t) => t.locationId === locationId),
      resolve: (event: DomainEvent<Timecard>) => event.payload,
    },
  },
  Location: {
    __resolveReference: (ref: Ref) => ref,
    openTimecards: (location: Ref, _args, { loaders }) =>
      loaders.openTimecardsByLocation.load(location.id),
    onShiftNow: async (location: Ref, _args, { loaders }) => {
      const open = await loaders.openTimecardsByLocation.load(location.id);
      const memberIds = [...new Set(open.map((t) => t.teamMemberId))];
      return loaders.teamMember.loadMany(memberIds);
    },
    scheduledShifts: (location: Ref, args: { from: string; to: string }, { loaders }) =>
      loaders.shiftsByLocation.load(`${location.id}|${args.from}|${args.to}`),
    teamMembers: async (location: Ref, { status }: { status: TeamMemberStatus }, { loaders }) =>
      (await loaders.allTeamMembers()).filter(
        (member) =>
          member.status === status &&
          (member.locationIds === null || member.locationIds.includes(location.id)),
      ),
  },
  TeamMember: {
    __resolveReference: (ref: Ref, { loaders }: SchedulingContext) =>
      loaders.teamMember.load(ref.id),
    ...lazyFields<SchedulingContext, TeamMember>(
      ({ loaders }, id) => loaders.teamMember.load(id),
      ['givenName', 'familyName', 'displayName', 'email', 'status', 'isOwner'],
    ),
    currentTimecard: async (member: Ref, _args, { loaders }) =>
      (await loaders.openTimecardByTeamMember.load(member.id))[0] ?? null,
  },
  Timecard: {
    __resolveReference: (ref: Ref, { loaders }: SchedulingContext) => loaders.timecard.load(ref.id),
    teamMember: (timecard: Timecard) => ({ id: timecard.teamMemberId }),
    location: (timecard: Timecard) => ({ id: timecard.locationId }),
  },
  ScheduledShift: {
    __resolveReference: (ref: Ref, { loaders }: SchedulingContext) =>
      loaders.scheduledShift.load(ref.id),
    teamMember: (shift: ScheduledShift) => (shift.teamMemberId ? { id: shift.teamMemberId } : null),
    location: (shift: ScheduledShift) => ({ id: shift.locationId }),
  },
};
