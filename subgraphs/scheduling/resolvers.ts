import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { notFound, orNull } from '../../platform/errors.ts';
import type { EventBus, EventCursor } from '../kit/eventBus.ts';
import { lazyFields } from '../kit/lazyFields.ts';
import { locationEvents } from '../kit/locationEvents.ts';
import { ifVisible, type ScopedContext, sees } from '../kit/locationScope.ts';
import type { ScheduledShift, TeamMember, TeamMemberStatus, Timecard } from './client.ts';
import type { SchedulingLoaders } from './loaders.ts';
import { timecardChangedTopic } from './webhooks.ts';

export interface SchedulingContext extends ScopedContext {
  loaders: SchedulingLoaders;
  bus: EventBus;
  /** A subscription's resume point and last delivered position (subgraphServer.ts). */
  eventCursor?: EventCursor;
}

type Ref = { id: string };

/** A team member is visible when they work at a location the caller sees (or at every one). */
const seesMember = (context: SchedulingContext, member: TeamMember) =>
  member.locationIds === null || member.locationIds.some((id) => sees(context, id));

async function visibleMember(context: SchedulingContext, id: string): Promise<TeamMember> {
  const member = await context.loaders.teamMember.load(id);
  if (!seesMember(context, member)) throw notFound('TeamMember', id);
  return member;
}

const atLocation = (item: { locationId: string }) => item.locationId;

export const schedulingResolvers: GraphQLResolverMap<SchedulingContext> = {
  Query: {
    teamMember: (_root, { id }: Ref, context) => orNull(visibleMember(context, id)),
    timecard: async (_root, { id }: Ref, context) =>
      ifVisible(context, await orNull(context.loaders.timecard.load(id)), atLocation),
    scheduledShift: async (_root, { id }: Ref, context) =>
      ifVisible(context, await orNull(context.loaders.scheduledShift.load(id)), atLocation),
  },
  Subscription: {
    timecardChanged: locationEvents<Timecard, { locationId: string }>(timecardChangedTopic),
  },
  Location: {
    __resolveReference: (ref: Ref) => ref,
    openTimecards: (location: Ref, _args, context) =>
      sees(context, location.id) ? context.loaders.openTimecardsByLocation.load(location.id) : [],
    onShiftNow: async (location: Ref, _args, context) => {
      if (!sees(context, location.id)) return [];
      const open = await context.loaders.openTimecardsByLocation.load(location.id);
      const memberIds = [...new Set(open.map((t) => t.teamMemberId))];
      return context.loaders.teamMember.loadMany(memberIds);
    },
    scheduledShifts: (location: Ref, args: { from: string; to: string }, context) =>
      sees(context, location.id)
        ? context.loaders.shiftsByLocation.load(`${location.id}|${args.from}|${args.to}`)
        : [],
    teamMembers: async (location: Ref, { status }: { status: TeamMemberStatus }, context) => {
      if (!sees(context, location.id)) return [];
      return (await context.loaders.allTeamMembers()).filter(
        (member) =>
          member.status === status &&
          (member.locationIds === null || member.locationIds.includes(location.id)),
      );
    },
  },
  TeamMember: {
    __resolveReference: (ref: Ref, context: SchedulingContext) => visibleMember(context, ref.id),
    ...lazyFields<SchedulingContext, TeamMember>(
      (context, id) => visibleMember(context, id),
      ['givenName', 'familyName', 'displayName', 'email', 'status', 'isOwner'],
    ),
    currentTimecard: async (member: Ref, _args, context) =>
      (await context.loaders.openTimecardByTeamMember.load(member.id)).find((t) =>
        sees(context, t.locationId),
      ) ?? null,
  },
  Timecard: {
    __resolveReference: async (ref: Ref, context: SchedulingContext) =>
      ifVisible(context, await context.loaders.timecard.load(ref.id), atLocation),
    teamMember: (timecard: Timecard) => ({ id: timecard.teamMemberId }),
    location: (timecard: Timecard) => ({ id: timecard.locationId }),
  },
  ScheduledShift: {
    __resolveReference: async (ref: Ref, context: SchedulingContext) =>
      ifVisible(context, await context.loaders.scheduledShift.load(ref.id), atLocation),
    teamMember: (shift: ScheduledShift) => (shift.teamMemberId ? { id: shift.teamMemberId } : null),
    location: (shift: ScheduledShift) => ({ id: shift.locationId }),
  },
};
