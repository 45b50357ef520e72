/** Square's Inventory API, changes: batch create (idempotent) and history retrieval. */
import { pageBody, paginate } from '../cursor.ts';
import type { IdempotencyStore } from '../idempotency.ts';
import { compact, type FieldReader, readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { rejectionError } from '../square-errors.ts';
import { type InventoryChange, inventoryChangeTypes, inventoryStates } from '../square-types.ts';
import type { InventoryChangeInput, World } from '../world.ts';

/** Square accepts at most 100 changes per BatchChangeInventory request. */
const MAX_CHANGES = 100;
const MAX_LIMIT = 1000;

export function inventoryChangeRoutes(world: World, idempotency: IdempotencyStore): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/inventory/changes/batch-create',
      handle: ({ body }) => {
        const fields = readFields(body);
        const idempotencyKey = fields.requiredString('idempotency_key');
        const changes = (fields.objectArray('changes', MAX_CHANGES) ?? []).map(readChange);
        const ignoreUnchangedCounts = fields.boolean('ignore_unchanged_counts') ?? true;
        return idempotency.once(
          'POST /v2/inventory/changes/batch-create',
          idempotencyKey,
          body,
          () => {
            const result = world.batchCreateInventoryChanges(changes, { ignoreUnchangedCounts });
            if (!result.ok) throw rejectionError(result.rejection);
            const { changes: created, counts } = result.value;
            return {
              ...(created.length > 0 ? { changes: created } : {}),
              ...(counts.length > 0 ? { counts } : {}),
            };
          },
        );
      },
    },
    {
      method: 'POST',
      path: '/v2/inventory/changes/batch-retrieve',
      handle: ({ body }) => {
        const fields = readFields(body);
        const catalogObjectIds = fields.stringArray('catalog_object_ids');
        const locationIds = fields.stringArray('location_ids');
        // Transfers are stored as adjustments, so asking for TRANSFER alone finds nothing.
        const types = fields.enumArray('types', inventoryChangeTypes) ?? [
          'PHYSICAL_COUNT',
          'ADJUSTMENT',
        ];
        const states = fields.enumArray('states', inventoryStates);
        const updatedAfter = fields.time('updated_after');
        const updatedBefore = fields.time('updated_before');
        const limit = fields.limit('limit', MAX_LIMIT, MAX_LIMIT);
        const matches = world.inventoryChanges.filter((change) => {
          const detail =
            change.type === 'PHYSICAL_COUNT' ? change.physical_count : change.adjustment;
          const changeStates =
            change.type === 'PHYSICAL_COUNT'
              ? [change.physical_count.state]
              : [change.adjustment.from_state, change.adjustment.to_state];
          const createdAt = Date.parse(detail.created_at);
          return (
            types.includes(change.type) &&
            (!catalogObjectIds || catalogObjectIds.includes(detail.catalog_object_id)) &&
            (!locationIds || locationIds.includes(detail.location_id)) &&
            (!states || changeStates.some((state) => states.includes(state))) &&
            (updatedAfter === undefined || createdAt > updatedAfter) &&
            (updatedBefore === undefined || createdAt < updatedBefore)
          );
        });
        const page = paginate<InventoryChange>(matches, {
          scope: 'POST /v2/inventory/changes/batch-retrieve',
          query: body,
          cursor: fields.string('cursor'),
          limit,
        });
        return pageBody('changes', page);
      },
    },
  ];
}

function readChange(change: FieldReader): InventoryChangeInput {
  const type = change.requiredEnum('type', inventoryChangeTypes);
  const common = (detail: FieldReader) => {
    detail.time('occurred_at');
    return compact({
      catalog_object_id: detail.requiredString('catalog_object_id'),
      quantity: detail.requiredString('quantity'),
      occurred_at: detail.requiredString('occurred_at'),
      reference_id: detail.string('reference_id'),
      team_member_id: detail.string('team_member_id'),
    });
  };
  switch (type) {
    case 'PHYSICAL_COUNT': {
      const detail = change.requiredObject('physical_count');
      return {
        type,
        physical_count: {
          ...common(detail),
          location_id: detail.requiredString('location_id'),
          state: detail.requiredEnum('state', inventoryStates),
        },
      };
    }
    case 'ADJUSTMENT': {
      const detail = change.requiredObject('adjustment');
      return {
        type,
        adjustment: {
          ...common(detail),
          location_id: detail.requiredString('location_id'),
          from_state: detail.requiredEnum('from_state', inventoryStates),
          to_state: detail.requiredEnum('to_state', inventoryStates),
        },
      };
    }
    case 'TRANSFER': {
      const detail = change.requiredObject('transfer');
      return {
        type,
        transfer: {
          ...common(detail),
          from_location_id: detail.requiredString('from_location_id'),
          to_location_id: detail.requiredString('to_location_id'),
          state: detail.requiredEnum('state', inventoryStates),
        },
      };
    }
  }
}
