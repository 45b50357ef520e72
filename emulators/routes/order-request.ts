/**
 * Reads the `order` object of CreateOrder and UpdateOrder requests into the world's input
 * types. Only order-scoped percentage taxes and discounts are modelled; anything else is
 * refused rather than silently mispriced.
 */
import { compact, type FieldReader, missing } from '../request-fields.ts';
import { squareError } from '../square-errors.ts';
import { orderStates } from '../square-types.ts';
import type { AdjustmentInput, LineItemInput, NewOrderInput } from '../world.ts';

const PERCENTAGE = /^\d{1,3}(\.\d{1,4})?$/;

/** The fields of a (possibly sparse) order; `requireQuantity` for new orders' line items. */
export function readOrderFields(
  order: FieldReader,
  requireQuantity: boolean,
): Partial<NewOrderInput> {
  const source = order.object('source');
  return compact({
    location_id: order.string('location_id'),
    state: order.enumValue('state', orderStates),
    reference_id: order.string('reference_id'),
    customer_id: order.string('customer_id'),
    ticket_name: order.string('ticket_name'),
    metadata: order.stringMap('metadata'),
    source: source ? { name: source.requiredString('name') } : undefined,
    line_items: order.objectArray('line_items')?.map((line) => readLineItem(line, requireQuantity)),
    taxes: order.objectArray('taxes')?.map((tax) => readAdjustment(tax, 'ADDITIVE')),
    discounts: order
      .objectArray('discounts')
      ?.map((discount) => readAdjustment(discount, 'FIXED_PERCENTAGE')),
  });
}

function readLineItem(line: FieldReader, requireQuantity: boolean): LineItemInput {
  if (requireQuantity && !line.has('quantity')) throw missing(line.pathOf('quantity'));
  return compact({
    uid: line.string('uid'),
    name: line.string('name'),
    quantity: line.string('quantity'),
    catalog_object_id: line.string('catalog_object_id'),
    base_price_money: line.money('base_price_money'),
    note: line.string('note'),
  });
}

function readAdjustment(adjustment: FieldReader, modelledType: string): AdjustmentInput {
  const scope = adjustment.string('scope');
  if (scope !== undefined && scope !== 'ORDER') {
    throw unsupported(adjustment.pathOf('scope'), `scope ${scope}`);
  }
  const type = adjustment.string('type');
  if (type !== undefined && type !== modelledType)
    throw unsupported(adjustment.pathOf('type'), `type ${type}`);
  const percentage = adjustment.string('percentage');
  if (percentage === undefined) throw missing(adjustment.pathOf('percentage'));
  if (!PERCENTAGE.test(percentage) || Number(percentage) > 100) {
    throw squareError(
      'INVALID_VALUE',
      `Expected a percentage such as "7.25", got ${percentage}.`,
      adjustment.pathOf('percentage'),
    );
  }
  return compact({ uid: adjustment.string('uid'), name: adjustment.string('name'), percentage });
}

function unsupported(field: string, what: string) {
  return squareError(
    'INVALID_VALUE',
    `The emulator models order-scoped percentage taxes and discounts only, not ${what}.`,
    field,
  );
}
