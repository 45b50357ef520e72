/**
 * Square's wire types (API version 2025-08-20), limited to the fields the emulators
 * produce. Field names are Square's own; absent optional fields are omitted, never null.
 */

export type Currency = 'USD';

export interface Money {
  amount: number;
  currency: Currency;
}

export interface Address {
  address_line_1: string;
  locality: string;
  administrative_district_level_1: string;
  postal_code: string;
  country: 'US';
}

export interface Location {
  id: string;
  name: string;
  address: Address;
  timezone: string;
  capabilities: ('CREDIT_CARD_PROCESSING' | 'AUTOMATIC_TRANSFERS')[];
  status: 'ACTIVE' | 'INACTIVE';
  created_at: string;
  merchant_id: string;
  country: 'US';
  language_code: string;
  currency: Currency;
  phone_number: string;
  business_name: string;
  type: 'PHYSICAL' | 'MOBILE';
  description: string;
  coordinates: { latitude: number; longitude: number };
  mcc: string;
}

/** Every type Square's catalog knows; the diner's catalog holds only the first three. */
export const catalogObjectTypes = [
  'ITEM',
  'ITEM_VARIATION',
  'CATEGORY',
  'IMAGE',
  'TAX',
  'DISCOUNT',
  'MODIFIER_LIST',
  'MODIFIER',
  'PRICING_RULE',
  'PRODUCT_SET',
  'TIME_PERIOD',
  'MEASUREMENT_UNIT',
  'SUBSCRIPTION_PLAN_VARIATION',
  'ITEM_OPTION',
  'ITEM_OPTION_VAL',
  'CUSTOM_ATTRIBUTE_DEFINITION',
  'QUICK_AMOUNTS_SETTINGS',
  'SUBSCRIPTION_PLAN',
  'AVAILABILITY_PERIOD',
] as const;
export type CatalogObjectType = (typeof catalogObjectTypes)[number];

export interface CatalogObjectCategory {
  id: string;
  ordinal?: number;
}

export interface CatalogItem {
  name: string;
  category_id: string;
  categories: CatalogObjectCategory[];
  reporting_category: CatalogObjectCategory;
  variations: CatalogObject[];
  product_type: 'FOOD_AND_BEV' | 'REGULAR';
  is_taxable: boolean;
}

export interface CatalogItemVariation {
  item_id: string;
  name: string;
  sku: string;
  ordinal: number;
  pricing_type: 'FIXED_PRICING';
  price_money: Money;
  track_inventory: boolean;
  sellable: boolean;
  stockable: boolean;
  inventory_alert_type?: 'LOW_QUANTITY';
  inventory_alert_threshold?: number;
}

export interface CatalogCategory {
  name: string;
  category_type: 'REGULAR_CATEGORY';
  is_top_level: boolean;
}

export interface CatalogObject {
  type: 'ITEM' | 'ITEM_VARIATION' | 'CATEGORY';
  id: string;
  updated_at: string;
  version: number;
  is_deleted: boolean;
  present_at_all_locations: boolean;
  item_data?: CatalogItem;
  item_variation_data?: CatalogItemVariation;
  category_data?: CatalogCategory;
}

export type OrderState = 'OPEN' | 'COMPLETED' | 'CANCELED' | 'DRAFT';
export const orderStates: readonly OrderState[] = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'];

export interface OrderLineItemAppliedTax {
  uid: string;
  tax_uid: string;
  applied_money: Money;
}

export interface OrderLineItemAppliedDiscount {
  uid: string;
  discount_uid: string;
  applied_money: Money;
}

export interface OrderLineItem {
  uid: string;
  name: string;
  quantity: string;
  catalog_object_id?: string;
  catalog_version?: number;
  variation_name?: string;
  item_type: 'ITEM' | 'CUSTOM_AMOUNT';
  note?: string;
  base_price_money: Money;
  variation_total_price_money: Money;
  gross_sales_money: Money;
  total_tax_money: Money;
  total_discount_money: Money;
  total_money: Money;
  applied_taxes?: OrderLineItemAppliedTax[];
  applied_discounts?: OrderLineItemAppliedDiscount[];
}

/** Only percentage, order-scoped taxes and discounts are modelled. */
export interface OrderLineItemTax {
  uid: string;
  name: string;
  type: 'ADDITIVE';
  percentage: string;
  scope: 'ORDER';
  applied_money: Money;
}

export interface OrderLineItemDiscount {
  uid: string;
  name: string;
  type: 'FIXED_PERCENTAGE';
  percentage: string;
  scope: 'ORDER';
  applied_money: Money;
}

export interface Order {
  id: string;
  location_id: string;
  reference_id?: string;
  source?: { name: string };
  customer_id?: string;
  line_items?: OrderLineItem[];
  taxes?: OrderLineItemTax[];
  discounts?: OrderLineItemDiscount[];
  metadata?: Record<string, string>;
  created_at: string;
  updated_at: string;
  closed_at?: string;
  state: OrderState;
  version: number;
  ticket_name?: string;
  total_money: Money;
  total_tax_money: Money;
  total_discount_money: Money;
  total_tip_money: Money;
  total_service_charge_money: Money;
  net_amount_due_money: Money;
}

export type InventoryState =
  | 'CUSTOM'
  | 'IN_STOCK'
  | 'SOLD'
  | 'RETURNED_BY_CUSTOMER'
  | 'RESERVED_FOR_SALE'
  | 'SOLD_ONLINE'
  | 'ORDERED_FROM_VENDOR'
  | 'RECEIVED_FROM_VENDOR'
  | 'IN_TRANSIT_TO'
  | 'NONE'
  | 'WASTE'
  | 'UNLINKED_RETURN'
  | 'COMPOSED'
  | 'DECOMPOSED'
  | 'SUPPORTED_BY_NEWER_VERSION'
  | 'IN_TRANSIT';
export const inventoryStates: readonly InventoryState[] = [
  'CUSTOM',
  'IN_STOCK',
  'SOLD',
  'RETURNED_BY_CUSTOMER',
  'RESERVED_FOR_SALE',
  'SOLD_ONLINE',
  'ORDERED_FROM_VENDOR',
  'RECEIVED_FROM_VENDOR',
  'IN_TRANSIT_TO',
  'NONE',
  'WASTE',
  'UNLINKED_RETURN',
  'COMPOSED',
  'DECOMPOSED',
  'SUPPORTED_BY_NEWER_VERSION',
  'IN_TRANSIT',
];
/** Square keeps no counts for these states (they only appear in adjustments). */
export const untrackedInventoryStates: readonly InventoryState[] = [
  'NONE',
  'SOLD',
  'UNLINKED_RETURN',
];

export interface InventoryCount {
  catalog_object_id: string;
  catalog_object_type: 'ITEM_VARIATION';
  state: InventoryState;
  location_id: string;
  quantity: string;
  calculated_at: string;
}

export interface SourceApplication {
  product: 'SQUARE_POS' | 'EXTERNAL_API';
  name: string;
}

export interface InventoryPhysicalCount {
  id: string;
  reference_id?: string;
  catalog_object_id: string;
  catalog_object_type: 'ITEM_VARIATION';
  state: InventoryState;
  location_id: string;
  quantity: string;
  source: SourceApplication;
  team_member_id?: string;
  occurred_at: string;
  created_at: string;
}

export interface InventoryAdjustment {
  id: string;
  reference_id?: string;
  from_state: InventoryState;
  to_state: InventoryState;
  location_id: string;
  catalog_object_id: string;
  catalog_object_type: 'ITEM_VARIATION';
  quantity: string;
  total_price_money?: Money;
  occurred_at: string;
  created_at: string;
  source: SourceApplication;
  team_member_id?: string;
}

export type InventoryChangeType = 'PHYSICAL_COUNT' | 'ADJUSTMENT' | 'TRANSFER';
export const inventoryChangeTypes: readonly InventoryChangeType[] = [
  'PHYSICAL_COUNT',
  'ADJUSTMENT',
  'TRANSFER',
];

/** As stored and returned: Square records a transfer as adjustments at both locations. */
export type InventoryChange =
  | { type: 'PHYSICAL_COUNT'; physical_count: InventoryPhysicalCount }
  | { type: 'ADJUSTMENT'; adjustment: InventoryAdjustment };

export type TeamMemberStatus = 'ACTIVE' | 'INACTIVE';
export const teamMemberStatuses: readonly TeamMemberStatus[] = ['ACTIVE', 'INACTIVE'];

export interface JobAssignment {
  job_title: string;
  pay_type: 'HOURLY' | 'SALARY' | 'NONE';
  hourly_rate?: Money;
  annual_rate?: Money;
  weekly_hours?: number;
  job_id: string;
}

export interface TeamMember {
  id: string;
  reference_id: string;
  is_owner: boolean;
  status: TeamMemberStatus;
  given_name: string;
  family_name: string;
  email_address: string;
  phone_number: string;
  created_at: string;
  updated_at: string;
  assigned_locations: {
    assignment_type: 'ALL_CURRENT_AND_FUTURE_LOCATIONS' | 'EXPLICIT_LOCATIONS';
    location_ids?: string[];
  };
  wage_setting: {
    team_member_id: string;
    job_assignments: JobAssignment[];
    is_overtime_exempt: boolean;
    version: number;
    created_at: string;
    updated_at: string;
  };
}

export interface ScheduledShiftDetails {
  team_member_id: string;
  location_id: string;
  job_id: string;
  start_at: string;
  end_at: string;
  notes?: string;
  is_deleted: boolean;
  timezone: string;
}

export interface ScheduledShift {
  id: string;
  draft_shift_details: ScheduledShiftDetails;
  published_shift_details?: ScheduledShiftDetails;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Break {
  id: string;
  start_at: string;
  end_at?: string;
  break_type_id: string;
  name: string;
  expected_duration: string;
  is_paid: boolean;
}

export type TimecardStatus = 'OPEN' | 'CLOSED';
export const timecardStatuses: readonly TimecardStatus[] = ['OPEN', 'CLOSED'];

export interface Timecard {
  id: string;
  location_id: string;
  timezone: string;
  start_at: string;
  end_at?: string;
  wage: { title: string; hourly_rate: Money; job_id: string; tip_eligible: boolean };
  breaks?: Break[];
  status: TimecardStatus;
  version: number;
  created_at: string;
  updated_at: string;
  team_member_id: string;
}
