/** Square's Orders API: search, batch retrieve, retrieve, create, sparse update. */
import { pageBody, paginate } from '../cursor.ts';
import type { IdempotencyStore } from '../idempotency.ts';
import {
  compact,
  type FieldReader,
  inWindow,
  missing,
  readFields,
  type TimeWindow,
} from '../request-fields.ts';
import type { Route } from '../router.ts';
import { rejectionError, squareError } from '../square-errors.ts';
import { type Order, type OrderState, orderStates } from '../square-types.ts';
import type { World } from '../world.ts';
import { readOrderFields } from './order-request.ts';

const MAX_SEARCH_LOCATIONS = 10;
const MAX_BATCH_ORDERS = 100;
const sortFields = ['CREATED_AT', 'UPDATED_AT', 'CLOSED_AT'] as const;
const timeFields = ['created_at', 'updated_at', 'closed_at'] as const;

export function orderRoutes(world: World, idempotency: IdempotencyStore): Route[] {
  return [
    {
      method: 'POST',
      path: '/v2/orders/search',
      handle: ({ body }) => {
        const fields = readFields(body);
        const search = readSearch(fields);
        const timeOf = (order: Order) => Date.parse(order[search.timeField] ?? '');
        const matches = [...world.orders.values()]
          .filter(
            (order) =>
              search.locationIds.includes(order.location_id) &&
              (!search.states || search.states.includes(order.state)) &&
              order[search.timeField] !== undefined &&
              (!search.window || inWindow(timeOf(order), search.window, false)),
          )
          .sort((a, b) => (timeOf(a) - timeOf(b) || a.id.localeCompare(b.id)) * search.direction);
        const page = paginate(matches, {
          scope: 'POST /v2/orders/search',
          query: body,
          cursor: fields.string('cursor'),
          limit: fields.limit('limit', 1000, 500),
        });
        if (!fields.boolean('return_entries')) return pageBody('orders', page);
        const entries = page.items.map(({ id, version, location_id }) => ({
          order_id: id,
          version,
          location_id,
        }));
        return pageBody('order_entries', { ...page, items: entries });
      },
    },
    {
      method: 'POST',
      path: '/v2/orders/batch-retrieve',
      handle: ({ body }) => {
        const fields = readFields(body);
        const orderIds = fields.stringArray('order_ids', MAX_BATCH_ORDERS);
        if (!orderIds) throw missing('order_ids');
        const locationId = fields.string('location_id');
        const orders = [...new Set(orderIds)]
          .map((id) => world.orders.get(id))
          .filter(
            (order) => order !== undefined && (!locationId || order.location_id === locationId),
          );
        return orders.length > 0 ? { orders } : {};
      },
    },
    {
      method: 'GET',
      path: '/v2/orders/{order_id}',
      handle: ({ params }) => ({ order: findOrder(world, params.order_id ?? '') }),
    },
    {
      method: 'POST',
      path: '/v2/orders',
      handle: ({ body }) => {
        const fields = readFields(body);
        const idempotencyKey = fields.string('idempotency_key');
        const input = readOrderFields(fields.requiredObject('order'), true);
        const locationId = input.location_id;
        if (!locationId) throw missing('order.location_id');
        return idempotency.once('POST /v2/orders', idempotencyKey, body, () => {
          const result = world.createOrder({ ...input, location_id: locationId });
          if (!result.ok) throw rejectionError(result.rejection);
          return { order: result.value };
        });
      },
    },
    {
      method: 'PUT',
      path: '/v2/orders/{order_id}',
      handle: ({ params, body }) => {
        const orderId = params.order_id ?? '';
        findOrder(world, orderId);
        const fields = readFields(body);
        const idempotencyKey = fields.string('idempotency_key');
        const order = fields.object('order');
        const version = order?.integer('version');
        if (!order || version === undefined) throw missing('order.version');
        const patch = { ...readOrderFields(order, false), version };
        const fieldsToClear = fields.stringArray('fields_to_clear');
        return idempotency.once(`PUT /v2/orders/${orderId}`, idempotencyKey, body, () => {
          const result = world.updateOrder(
            orderId,
            fieldsToClear ? { ...patch, fields_to_clear: fieldsToClear } : patch,
          );
          if (!result.ok) throw rejectionError(result.rejection);
          return { order: result.value };
        });
      },
    },
  ];
}

interface OrderSearch {
  locationIds: string[];
  states?: OrderState[];
  /** The field results are sorted on, and filtered on when `window` is set. */
  timeField: (typeof timeFields)[number];
  window?: TimeWindow;
  /** 1 for ascending, -1 for descending (Square's default). */
  direction: 1 | -1;
}

function readSearch(fields: FieldReader): OrderSearch {
  const locationIds = fields.stringArray('location_ids', MAX_SEARCH_LOCATIONS);
  if (!locationIds || locationIds.length === 0) throw missing('location_ids');
  const filter = fields.object('query')?.object('filter');
  const stateFilter = filter?.object('state_filter');
  const states = stateFilter?.enumArray('states', orderStates);
  if (stateFilter && !states) throw missing(stateFilter.pathOf('states'));
  const dateFilter = filter?.object('date_time_filter');
  const filtered = timeFields.filter((name) => dateFilter?.has(name));
  if (filtered.length > 1) {
    throw squareError(
      'INVALID_VALUE',
      'Filter on one time field at a time.',
      'query.filter.date_time_filter',
    );
  }
  const sort = fields.object('query')?.object('sort');
  const sortField = sort?.requiredEnum('sort_field', sortFields) ?? 'CREATED_AT';
  const timeField = timeFields[sortFields.indexOf(sortField)] ?? 'created_at';
  const filterField = filtered[0];
  // Square: a time filter only works together with a sort on the same field.
  if (filterField && filterField !== timeField) {
    throw squareError(
      'INVALID_VALUE',
      `Filtering on ${filterField} requires query.sort.sort_field ${filterField.toUpperCase()}, got ${sortField}.`,
      'query.sort.sort_field',
    );
  }
  const window = filterField ? dateFilter?.timeWindow(filterField) : undefined;
  const descending = (sort?.enumValue('sort_order', ['ASC', 'DESC']) ?? 'DESC') === 'DESC';
  return compact({ locationIds, states, timeField, window, direction: descending ? -1 : 1 });
}

function findOrder(world: World, orderId: string): Order {
  const order = world.orders.get(orderId);
  if (!order) throw squareError('NOT_FOUND', `Order ${orderId} not found.`);
  return order;
}
