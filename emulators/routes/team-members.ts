/** Square's Team API: search and retrieve team members. */
import { pageBody, paginate } from '../cursor.ts';
import { readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { squareError } from '../square-errors.ts';
import { type TeamMember, teamMemberStatuses } from '../square-types.ts';
import type { World } from '../world.ts';

export function teamMemberRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/team-members/search',
      handle: ({ body }) => {
        const fields = readFields(body);
        const filter = fields.object('query')?.object('filter');
        const locationIds = filter?.stringArray('location_ids');
        const status = filter?.enumValue('status', teamMemberStatuses);
        const isOwner = filter?.boolean('is_owner');
        const limit = fields.limit('limit', 200, 100);
        const members = [...world.teamMembers.values()].filter(
          (member) =>
            (!locationIds || locationIds.length === 0 || worksAtAny(member, locationIds)) &&
            (!status || member.status === status) &&
            (isOwner !== true || member.is_owner),
        );
        const page = paginate(members, {
          scope: 'POST /v2/team-members/search',
          query: body,
          cursor: fields.string('cursor'),
          limit,
        });
        return pageBody('team_members', page);
      },
    },
    {
      method: 'GET',
      path: '/v2/team-members/{team_member_id}',
      handle: ({ params }) => {
        const member = world.teamMembers.get(params.team_member_id ?? '');
        if (!member)
          throw squareError('NOT_FOUND', `Team member ${params.team_member_id} not found.`);
        return { team_member: member };
      },
    },
  ];
}

function worksAtAny(member: TeamMember, locationIds: string[]): boolean {
  const assigned = member.assigned_locations;
  if (assigned.assignment_type === 'ALL_CURRENT_AND_FUTURE_LOCATIONS') return true;
  return (assigned.location_ids ?? []).some((id) => locationIds.includes(id));
}
