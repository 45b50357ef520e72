/**
 * Creating and updating orders. A line item naming a catalog variation takes its name and
 * price from the catalog; one without must bring both. Updates are sparse and versioned:
 * the caller's version must be the current one, COMPLETED and CANCELED orders are final,
 * and completing an order takes its tracked items out of stock.
 */
import type { Order, OrderState } from '../square-types.ts';
import { formatUtc } from '../time.ts';
import { recordSale } from './inventory-writes.ts';
import {
  adjustments,
  clearFields,
  type NewOrderInput,
  type OrderPatch,
  optionalFields,
  resolveLineItem,
} from './order-inputs.ts';
import { basisOf, type LineItemBasis, priceOrder } from './order-pricing.ts';
import { accepted, refused, type WriteResult } from './outcomes.ts';
import { locationById, type WorldContext } from './state.ts';

const finalStates: readonly OrderState[] = ['COMPLETED', 'CANCELED'];
const allowedTransitions: Record<OrderState, readonly OrderState[]> = {
  DRAFT: ['DRAFT', 'OPEN', 'CANCELED'],
  OPEN: ['OPEN', 'COMPLETED', 'CANCELED'],
  COMPLETED: [],
  CANCELED: [],
};

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

function withoutPricing(order: Order): Omit<Order, 'line_items' | 'taxes' | 'discounts'> {
  const { line_items: _lines, taxes: _taxes, discounts: _discounts, ...rest } = order;
  return rest;
}
