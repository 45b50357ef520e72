/** Square's Locations API: the merchant's locations. */
import type { Route } from '../router.ts';
import type { World } from '../world.ts';

export function locationRoutes(world: World): Route[] {
  return [{ method: 'GET', path: '/v2/locations', handle: () => ({ locations: world.locations }) }];
}
