/** Square's Catalog API, read side: batch retrieve (with related objects) and list. */
import { pageBody, paginate } from '../cursor.ts';
import { commaList, missing, readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { squareError } from '../square-errors.ts';
import { type CatalogObject, catalogObjectTypes } from '../square-types.ts';
import type { World } from '../world.ts';

const MAX_BATCH_OBJECTS = 1000;
/** ListCatalog has no limit parameter: Square's page size is fixed. */
const LIST_PAGE_SIZE = 100;

export function catalogRoutes(world: World): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/catalog/batch-retrieve',
      handle: ({ body }) => {
        const fields = readFields(body);
        const objectIds = fields.stringArray('object_ids', MAX_BATCH_OBJECTS);
        if (!objectIds) throw missing('object_ids');
        const includeRelated = fields.boolean('include_related_objects') ?? false;
        const includeDeleted = fields.boolean('include_deleted_objects') ?? false;
        const visible = (object: CatalogObject | undefined): object is CatalogObject =>
          object !== undefined && (includeDeleted || !object.is_deleted);
        const objects = [...new Set(objectIds)].map((id) => world.catalog.get(id)).filter(visible);
        const returned = new Set(objects.map((object) => object.id));
        const relatedIds = includeRelated
          ? [...new Set(objects.flatMap(referencedIds))].filter((id) => !returned.has(id))
          : [];
        const related = relatedIds.map((id) => world.catalog.get(id)).filter(visible);
        return {
          ...(objects.length > 0 ? { objects } : {}),
          ...(related.length > 0 ? { related_objects: related } : {}),
        };
      },
    },
    {
      method: 'GET',
      path: '/v2/catalog/list',
      handle: ({ query }) => {
        const types = commaList(query.get('types'))?.map((type) => type.toUpperCase());
        for (const type of types ?? []) {
          if (!(catalogObjectTypes as readonly string[]).includes(type)) {
            throw squareError(
              'INVALID_ENUM_VALUE',
              `Unknown catalog object type ${type}.`,
              'types',
            );
          }
        }
        const objects = [...world.catalog.values()].filter(
          (object) => !object.is_deleted && (!types || types.includes(object.type)),
        );
        const page = paginate(objects, {
          scope: 'GET /v2/catalog/list',
          query: Object.fromEntries(query),
          cursor: query.get('cursor') ?? undefined,
          limit: LIST_PAGE_SIZE,
        });
        return pageBody('objects', page);
      },
    },
  ];
}

/** The ids an object refers to: a variation's item, an item's categories. */
function referencedIds(object: CatalogObject): string[] {
  if (object.item_variation_data) return [object.item_variation_data.item_id];
  if (object.item_data) {
    return [
      object.item_data.category_id,
      ...object.item_data.categories.map((category) => category.id),
      object.item_data.reporting_category.id,
    ];
  }
  return [];
}
