/** Square's Inventory API, counts: batch retrieve and one variation's counts. */
import { pageBody, paginate } from '../cursor.ts';
import { commaList, readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { squareError } from '../square-errors.ts';
import { type InventoryCount, inventoryStates } from '../square-types.ts';
import type { World } from '../world.ts';

const MAX_LIMIT = 1000;

/** Newest `calculated_at` first, as Square returns counts. */
function newestFirst(a: InventoryCount, b: InventoryCount): number {
  return (
    b.calculated_at.localeCompare(a.calculated_at) ||
    a.catalog_object_id.localeCompare(b.catalog_object_id) ||
    a.location_id.localeCompare(b.location_id) ||
    a.state.localeCompare(b.state)
  );
}

export function inventoryCountRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/inventory/counts/batch-retrieve',
      handle: ({ body }) => {
        const fields = readFields(body);
        const catalogObjectIds = fields.stringArray('catalog_object_ids');
        const locationIds = fields.stringArray('location_ids');
        const updatedAfter = fields.time('updated_after');
        const states = fields.enumArray('states', inventoryStates);
        const limit = fields.limit('limit', MAX_LIMIT, MAX_LIMIT);
        const counts = [...world.inventoryCounts.values()]
          .filter(
            (count) =>
              (!catalogObjectIds || catalogObjectIds.includes(count.catalog_object_id)) &&
              (!locationIds || locationIds.includes(count.location_id)) &&
              (!states || states.includes(count.state)) &&
              (updatedAfter === undefined || Date.parse(count.calculated_at) > updatedAfter),
          )
          .sort(newestFirst);
        const page = paginate(counts, {
          scope: 'POST /v2/inventory/counts/batch-retrieve',
          query: body,
          cursor: fields.string('cursor'),
          limit,
        });
        return pageBody('counts', page);
      },
    },
    {
      method: 'GET',
      path: '/v2/inventory/{catalog_object_id}',
      handle: ({ params, query }) => {
        const catalogObjectId = params.catalog_object_id ?? '';
        if (world.catalog.get(catalogObjectId)?.type !== 'ITEM_VARIATION') {
          throw squareError('NOT_FOUND', `Item variation ${catalogObjectId} not found.`);
        }
        const locationIds = commaList(query.get('location_ids'));
        const counts = [...world.inventoryCounts.values()]
          .filter(
            (count) =>
              count.catalog_object_id === catalogObjectId &&
              (!locationIds || locationIds.includes(count.location_id)),
          )
          .sort(newestFirst);
        const page = paginate(counts, {
          scope: 'GET /v2/inventory/{catalog_object_id}',
          query: { catalog_object_id: catalogObjectId, ...Object.fromEntries(query) },
          cursor: query.get('cursor') ?? undefined,
          limit: MAX_LIMIT,
        });
        return pageBody('counts', page);
      },
    },
  ];
}
