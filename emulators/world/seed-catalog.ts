/** The catalog: one CATEGORY per menu section, its ITEMs, and their ITEM_VARIATIONs. */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type { CatalogObject } from '../square-types.ts';
import { DAY, formatUtc, MINUTE } from '../time.ts';
import { menu, variationsOf } from './menu.ts';

/** Variations at or under this many units raise Square's low-stock alert. */
const LOW_STOCK_THRESHOLD = 5;

export function seedCatalog(
  random: Random,
  ids: IdFactory,
  now: number,
): Map<string, CatalogObject> {
  const catalog = new Map<string, CatalogObject>();
  const stamp = () => {
    const updatedAt = now - random.int((5 * DAY) / MINUTE, (90 * DAY) / MINUTE) * MINUTE;
    return { updated_at: formatUtc(updatedAt), version: updatedAt };
  };
  menu.forEach((section, sectionIndex) => {
    const category: CatalogObject = {
      type: 'CATEGORY',
      id: ids.catalogObject(),
      ...stamp(),
      is_deleted: false,
      present_at_all_locations: true,
      category_data: {
        name: section.category,
        category_type: 'REGULAR_CATEGORY',
        is_top_level: true,
      },
    };
    catalog.set(category.id, category);
    section.items.forEach(([name, sizeSet, basePrice, tracked], itemIndex) => {
      const itemId = ids.catalogObject();
      const itemStamp = stamp();
      const variations: CatalogObject[] = variationsOf(sizeSet, basePrice).map(
        (variation, ordinal) => ({
          type: 'ITEM_VARIATION',
          id: ids.catalogObject(),
          ...itemStamp,
          is_deleted: false,
          present_at_all_locations: true,
          item_variation_data: {
            item_id: itemId,
            name: variation.name,
            sku: `BBD-${sectionIndex + 1}${String(itemIndex + 1).padStart(2, '0')}-${ordinal + 1}`,
            ordinal,
            pricing_type: 'FIXED_PRICING',
            price_money: { amount: variation.price, currency: 'USD' },
            track_inventory: tracked !== false,
            sellable: true,
            stockable: true,
            ...(tracked === false
              ? {}
              : {
                  inventory_alert_type: 'LOW_QUANTITY',
                  inventory_alert_threshold: LOW_STOCK_THRESHOLD,
                }),
          },
        }),
      );
      catalog.set(itemId, {
        type: 'ITEM',
        id: itemId,
        ...itemStamp,
        is_deleted: false,
        present_at_all_locations: true,
        item_data: {
          name,
          category_id: category.id,
          categories: [{ id: category.id, ordinal: itemIndex }],
          reporting_category: { id: category.id, ordinal: itemIndex },
          variations,
          product_type: 'FOOD_AND_BEV',
          is_taxable: true,
        },
      });
      for (const variation of variations) catalog.set(variation.id, variation);
    });
  });
  return catalog;
}

export function catalogVariations(catalog: Map<string, CatalogObject>): CatalogObject[] {
  return [...catalog.values()].filter((object) => object.type === 'ITEM_VARIATION');
}
