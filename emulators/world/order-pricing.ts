/**
 * Order arithmetic, as Square does it for percentage, order-scoped discounts and additive
 * taxes: per line, gross = base price x quantity, discounts apply to gross, taxes to the
 * discounted amount; the order's totals are the sums of its lines plus the tip. What is
 * still due is nothing once the order is COMPLETED (paid), the total otherwise.
 */
import type {
  Money,
  Order,
  OrderLineItem,
  OrderLineItemDiscount,
  OrderLineItemTax,
  OrderState,
} from '../square-types.ts';

/** A line item before pricing: what a client or the seed decides. */
export type LineItemBasis = Pick<
  OrderLineItem,
  | 'uid'
  | 'name'
  | 'quantity'
  | 'catalog_object_id'
  | 'catalog_version'
  | 'variation_name'
  | 'item_type'
  | 'note'
  | 'base_price_money'
>;

/** An order-scoped percentage tax or discount before pricing. */
export interface AdjustmentBasis {
  uid: string;
  name: string;
  percentage: string;
}

export interface OrderBasis {
  lineItems: LineItemBasis[];
  taxes: AdjustmentBasis[];
  discounts: AdjustmentBasis[];
  tipAmount: number;
  state: OrderState;
}

export type PricedOrder = Pick<
  Order,
  | 'line_items'
  | 'taxes'
  | 'discounts'
  | 'total_money'
  | 'total_tax_money'
  | 'total_discount_money'
  | 'total_tip_money'
  | 'total_service_charge_money'
  | 'net_amount_due_money'
>;

export function usd(amount: number): Money {
  return { amount, currency: 'USD' };
}

export function priceOrder(basis: OrderBasis): PricedOrder {
  const taxApplied = new Map<string, number>();
  const discountApplied = new Map<string, number>();
  const lineItems = basis.lineItems.map((line): OrderLineItem => {
    const gross = Math.round(line.base_price_money.amount * Number(line.quantity));
    let discountTotal = 0;
    const appliedDiscounts = basis.discounts.map((discount) => {
      const amount = Math.min(gross - discountTotal, percentOf(gross, discount.percentage));
      discountTotal += amount;
      discountApplied.set(discount.uid, (discountApplied.get(discount.uid) ?? 0) + amount);
      return {
        uid: `${discount.uid}-${line.uid}`,
        discount_uid: discount.uid,
        applied_money: usd(amount),
      };
    });
    const taxable = gross - discountTotal;
    let taxTotal = 0;
    const appliedTaxes = basis.taxes.map((tax) => {
      const amount = percentOf(taxable, tax.percentage);
      taxTotal += amount;
      taxApplied.set(tax.uid, (taxApplied.get(tax.uid) ?? 0) + amount);
      return { uid: `${tax.uid}-${line.uid}`, tax_uid: tax.uid, applied_money: usd(amount) };
    });
    return {
      ...line,
      variation_total_price_money: usd(gross),
      gross_sales_money: usd(gross),
      total_tax_money: usd(taxTotal),
      total_discount_money: usd(discountTotal),
      total_money: usd(taxable + taxTotal),
      ...(appliedTaxes.length > 0 ? { applied_taxes: appliedTaxes } : {}),
      ...(appliedDiscounts.length > 0 ? { applied_discounts: appliedDiscounts } : {}),
    };
  });
  const sum = (pick: (line: OrderLineItem) => Money) =>
    lineItems.reduce((total, line) => total + pick(line).amount, 0);
  const total = sum((line) => line.total_money) + basis.tipAmount;
  const taxes = basis.taxes.map(
    (tax): OrderLineItemTax => ({
      ...tax,
      type: 'ADDITIVE',
      scope: 'ORDER',
      applied_money: usd(taxApplied.get(tax.uid) ?? 0),
    }),
  );
  const discounts = basis.discounts.map(
    (discount): OrderLineItemDiscount => ({
      ...discount,
      type: 'FIXED_PERCENTAGE',
      scope: 'ORDER',
      applied_money: usd(discountApplied.get(discount.uid) ?? 0),
    }),
  );
  return {
    ...(lineItems.length > 0 ? { line_items: lineItems } : {}),
    ...(taxes.length > 0 ? { taxes } : {}),
    ...(discounts.length > 0 ? { discounts } : {}),
    total_money: usd(total),
    total_tax_money: usd(sum((line) => line.total_tax_money)),
    total_discount_money: usd(sum((line) => line.total_discount_money)),
    total_tip_money: usd(basis.tipAmount),
    total_service_charge_money: usd(0),
    net_amount_due_money: usd(basis.state === 'COMPLETED' ? 0 : total),
  };
}

/** The pricing inputs of an existing order, so a change can be repriced. */
export function basisOf(order: Order): OrderBasis {
  return {
    lineItems: (order.line_items ?? []).map((line) => ({
      uid: line.uid,
      name: line.name,
      quantity: line.quantity,
      item_type: line.item_type,
      base_price_money: line.base_price_money,
      ...(line.catalog_object_id === undefined
        ? {}
        : { catalog_object_id: line.catalog_object_id }),
      ...(line.catalog_version === undefined ? {} : { catalog_version: line.catalog_version }),
      ...(line.variation_name === undefined ? {} : { variation_name: line.variation_name }),
      ...(line.note === undefined ? {} : { note: line.note }),
    })),
    taxes: (order.taxes ?? []).map(({ uid, name, percentage }) => ({ uid, name, percentage })),
    discounts: (order.discounts ?? []).map(({ uid, name, percentage }) => ({
      uid,
      name,
      percentage,
    })),
    tipAmount: order.total_tip_money.amount,
    state: order.state,
  };
}

function percentOf(amount: number, percentage: string): number {
  return Math.round((amount * Number(percentage)) / 100);
}
