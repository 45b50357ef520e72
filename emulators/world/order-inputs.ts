/**
 * What clients send to create or change an order, and how it becomes parts of an order:
 * line items resolved against the catalog, order-scoped percentage taxes and discounts,
 * the plain optional fields, and `fields_to_clear` paths.
 */
import type { Order, OrderState } from '../square-types.ts';
import { parseQuantity } from './inventory-ledger.ts';
import type { AdjustmentBasis, LineItemBasis } from './order-pricing.ts';
import { accepted, refused, type WriteResult } from './outcomes.ts';
import type { WorldContext } from './state.ts';

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

const clearableFields = [
  'reference_id',
  'customer_id',
  'ticket_name',
  'metadata',
  'line_items',
  'taxes',
  'discounts',
] as const;

export function resolveLineItem(
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
export function clearFields(order: Order, paths: string[]): WriteResult<Order> {
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

export function optionalFields(input: Partial<NewOrderInput>): Partial<Order> {
  const fields: Partial<Order> = {};
  if (input.reference_id !== undefined) fields.reference_id = input.reference_id;
  if (input.customer_id !== undefined) fields.customer_id = input.customer_id;
  if (input.ticket_name !== undefined) fields.ticket_name = input.ticket_name;
  if (input.metadata !== undefined) fields.metadata = input.metadata;
  if (input.source !== undefined) fields.source = input.source;
  return fields;
}

export function adjustments(context: WorldContext, inputs: AdjustmentInput[]): AdjustmentBasis[] {
  return inputs.map((input) => ({
    uid: input.uid ?? context.ids.uid(),
    name: input.name ?? `${input.percentage}%`,
    percentage: input.percentage,
  }));
}
