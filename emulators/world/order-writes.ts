/**
 * Creating and updating orders. A line item naming a catalog variation takes its name and
 * price from the catalog; one without must bring both. Updates are sparse and versioned:
 * the caller's version must be the current one, COMPLETED and CANCELED orders are final,
 * and completing an order takes its tracked items out of stock.
 */
import type { Order, OrderState } from '../square-types.ts';
import { formatUtc } from '../time.ts';
import { parseQuantity } from './inventory-ledger.ts';
import { recordSale } from './inventory-writes.ts';
import { type AdjustmentBasis, basisOf, type LineItemBasis, priceOrder } from './order-pricing.ts';
import { accepted, refused, type WriteResult } from './outcomes.ts';
import { locationById, type WorldContext } from './state.ts';

export interface LineItemInput {
  uid?: string;
  name?: string;
  quantity?: string;
  catalog_object_id?: string;
  base_price_money?: { amount: number; currency: 'USD' };
  note?: string;
}

export interface AdjustmentInput {
  uid?: string;
  name?: string;
  percentage: string;
}

export interface NewOrderInput {
  location_id: string;
  state?: OrderState;
  reference_id?: string;
  customer_id?: string;
  ticket_name?: string;
  metadata?: Record<string, string>;
  source?: { name: string };
  line_items?: LineItemInput[];
  taxes?: AdjustmentInput[];
  discounts?: AdjustmentInput[];
}

export interface OrderPatch extends Partial<NewOrderInput> {
  version: number;
  fields_to_clear?: string[];
}

const finalStates: readonly OrderState[] = ['COMPLETED', 'CANCELED'];
const allowedTransitions: Record<OrderState, readonly OrderState[]> = {
  DRAFT: ['DRAFT', 'OPEN', 'CANCELED'],
  OPEN: ['OPEN', 'COMPLETED', 'CANCELED'],
  COMPLETED: [],
  CANCELED: [],
};
const clearableFields = [
  'reference_id',
  'customer_id',
  'ticket_name',
  'metadata',
  'line_items',
  'taxes',
  'discounts',
] as const;

export function createOrder(context: WorldContext, input: NewOrderInput): WriteResult<Order> {
  if (!locationById(context.state, input.location_id)) {
    return refused('invalid', `Location ${input.location_id} not found.`, 'order.location_id');
  }
  const state = input.state ?? 'OPEN';
  if (state !== 'OPEN' && state !== 'DRAFT') {
    return refused('invalid', `An order is created OPEN or DRAFT, not ${state}.`, 'order.state');
  }
  const lineItems: LineItemBasis[] = [];
  for (const [index, line] of (input.line_items ?? []).entries()) {
    const resolved = resolveLineItem(context, line, undefined, `order.line_items[${index}]`);
    if (!resolved.ok) return resolved;
    lineItems.push(resolved.value);
  }
  const now = formatUtc(context.clock());
  const order: Order = {
    id: context.ids.order(),
    location_id: input.location_id,
    ...optionalFields(input),
    created_at: now,
    updated_at: now,
    state,
    version: 1,
    ...priceOrder({
      lineItems,
      taxes: adjustments(context, input.taxes ?? []),
      discounts: adjustments(context, input.discounts ?? []),
      tipAmount: 0,
      state,
    }),
  };
  context.state.orders.set(order.id, order);
  context.emit({ kind: 'order.created', object: order });
  return accepted(order);
}

export function updateOrder(
  context: WorldContext,
  orderId: string,
  patch: OrderPatch,
): WriteResult<Order> {
  const current = context.state.orders.get(orderId);
  if (!current) return refused('not_found', `Order ${orderId} not found.`);
  if (finalStates.includes(current.state)) {
    return refused(
      'order_closed',
      `Order ${orderId} is ${current.state} and can no longer be updated.`,
      'order',
    );
  }
  if (patch.version !== current.version) {
    return refused(
      'version_mismatch',
      `Order ${orderId} is at version ${current.version}; the update was for version ${patch.version}.`,
      'order.version',
    );
  }
  if (patch.location_id !== undefined && patch.location_id !== current.location_id) {
    return refused('invalid', 'An order cannot move to another location.', 'order.location_id');
  }
  const state = patch.state ?? current.state;
  if (!allowedTransitions[current.state].includes(state)) {
    return refused(
      'invalid',
      `An order cannot go from ${current.state} to ${state}.`,
      'order.state',
    );
  }
  const next: Order = structuredClone(current);
  const cleared = clearFields(next, patch.fields_to_clear ?? []);
  if (!cleared.ok) return cleared;
  Object.assign(next, optionalFields(patch));
  const basis = basisOf(next);
  for (const [index, line] of (patch.line_items ?? []).entries()) {
    const existing = basis.lineItems.findIndex((candidate) => candidate.uid === line.uid);
    const resolved = resolveLineItem(
      context,
      line,
      basis.lineItems[existing],
      `order.line_items[${index}]`,
    );
    if (!resolved.ok) return resolved;
    if (existing >= 0) basis.lineItems[existing] = resolved.value;
    else basis.lineItems.push(resolved.value);
  }
  basis.taxes.push(...adjustments(context, patch.taxes ?? []));
  basis.discounts.push(...adjustments(context, patch.discounts ?? []));
  const now = context.clock();
  const order: Order = {
    ...withoutPricing(next),
    state,
    version: current.version + 1,
    updated_at: formatUtc(now),
    ...(finalStates.includes(state) ? { closed_at: formatUtc(now) } : {}),
    ...priceOrder({ ...basis, state }),
  };
  context.state.orders.set(order.id, order);
  context.emit({ kind: 'order.updated', object: order });
  if (state === 'COMPLETED') recordSale(context, order, now);
  return accepted(order);
}

function resolveLineItem(
  context: WorldContext,
  line: LineItemInput,
  existing: LineItemBasis | undefined,
  field: string,
): WriteResult<LineItemBasis> {
  const quantity = line.quantity ?? existing?.quantity;
  const units = quantity === undefined ? undefined : parseQuantity(quantity);
  if (quantity === undefined || units === undefined || units === 0) {
    return refused(
      'invalid',
      `A line item needs a positive decimal quantity, got ${quantity}.`,
      `${field}.quantity`,
    );
  }
  const catalogObjectId = line.catalog_object_id ?? existing?.catalog_object_id;
  const note = line.note ?? existing?.note;
  const base = {
    uid: line.uid ?? existing?.uid ?? context.ids.uid(),
    quantity,
    ...(note === undefined ? {} : { note }),
  };
  if (catalogObjectId !== undefined) {
    const variation = context.state.catalog.get(catalogObjectId);
    const data = variation?.item_variation_data;
    const item = data ? context.state.catalog.get(data.item_id)?.item_data : undefined;
    if (!variation || !data || !item) {
      return refused(
        'invalid',
        `Item variation ${catalogObjectId} not found.`,
        `${field}.catalog_object_id`,
      );
    }
    return accepted({
      ...base,
      name: line.name ?? item.name,
      catalog_object_id: variation.id,
      catalog_version: variation.version,
      variation_name: data.name,
      item_type: 'ITEM',
      base_price_money: line.base_price_money ?? data.price_money,
    });
  }
  const name = line.name ?? existing?.name;
  const price = line.base_price_money ?? existing?.base_price_money;
  if (name === undefined)
    return refused('invalid', 'A custom line item needs a name.', `${field}.name`);
  if (price === undefined) {
    return refused(
      'invalid',
      'A custom line item needs base_price_money.',
      `${field}.base_price_money`,
    );
  }
  return accepted({ ...base, name, item_type: 'CUSTOM_AMOUNT', base_price_money: price });
}

/** Applies `fields_to_clear` paths: a top-level field, `line_items[uid]`, or `line_items[uid].note`. */
function clearFields(order: Order, paths: string[]): WriteResult<Order> {
  for (const path of paths) {
    const nested = /^(line_items|taxes|discounts)\[([^\]]+)\](\.note)?$/.exec(path);
    const unknown = refused<Order>(
      'invalid',
      `Cannot clear ${path}: no such field.`,
      'fields_to_clear',
    );
    if (nested) {
      const [, list, uid, note] = nested;
      if (list === 'line_items') {
        const line = order.line_items?.find((candidate) => candidate.uid === uid);
        if (!line) return unknown;
        if (note) delete line.note;
        else order.line_items = order.line_items?.filter((candidate) => candidate !== line);
      } else if (list === 'taxes' && !note && order.taxes?.some((tax) => tax.uid === uid)) {
        order.taxes = order.taxes.filter((tax) => tax.uid !== uid);
      } else if (
        list === 'discounts' &&
        !note &&
        order.discounts?.some((entry) => entry.uid === uid)
      ) {
        order.discounts = order.discounts.filter((entry) => entry.uid !== uid);
      } else {
        return unknown;
      }
      continue;
    }
    const field = clearableFields.find((candidate) => candidate === path);
    if (!field) return unknown;
    delete order[field];
  }
  return accepted(order);
}

function optionalFields(input: Partial<NewOrderInput>): Partial<Order> {
  const fields: Partial<Order> = {};
  if (input.reference_id !== undefined) fields.reference_id = input.reference_id;
  if (input.customer_id !== undefined) fields.customer_id = input.customer_id;
  if (input.ticket_name !== undefined) fields.ticket_name = input.ticket_name;
  if (input.metadata !== undefined) fields.metadata = input.metadata;
  if (input.source !== undefined) fields.source = input.source;
  return fields;
}

function adjustments(context: WorldContext, inputs: AdjustmentInput[]): AdjustmentBasis[] {
  return inputs.map((input) => ({
    uid: input.uid ?? context.ids.uid(),
    name: input.name ?? `${input.percentage}%`,
    percentage: input.percentage,
  }));
}

function withoutPricing(order: Order): Omit<Order, 'line_items' | 'taxes' | 'discounts'> {
  const { line_items: _lines, taxes: _taxes, discounts: _discounts, ...rest } = order;
  return rest;
}
