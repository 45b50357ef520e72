/** The diner's menu the catalog is built from: 8 categories, 60 items, prices in cents. */

/** Variation names with their price relative to the first. */
const sizes = {
  one: [['Regular', 1]],
  burger: [
    ['Single', 1],
    ['Double', 1.4],
  ],
  drink: [
    ['Small', 1],
    ['Large', 1.35],
  ],
  fountain: [
    ['Small', 1],
    ['Medium', 1.2],
    ['Large', 1.4],
  ],
  soup: [
    ['Cup', 1],
    ['Bowl', 1.6],
  ],
  salad: [
    ['Side', 1],
    ['Entree', 1.9],
  ],
  half: [
    ['Half', 1],
    ['Whole', 1.8],
  ],
  pie: [
    ['Slice', 1],
    ['Whole Pie', 6.5],
  ],
  stack: [
    ['Short Stack', 1],
    ['Full Stack', 1.4],
  ],
  pieces: [
    ['3 Piece', 1],
    ['5 Piece', 1.5],
  ],
} as const satisfies Record<string, readonly (readonly [string, number])[]>;

export type SizeSet = keyof typeof sizes;

/** name, sizes, base price in cents, whether stock is counted (made-to-order drinks are not). */
type MenuEntry = readonly [name: string, sizes: SizeSet, basePrice: number, tracked?: false];

export interface MenuCategory {
  category: string;
  items: readonly MenuEntry[];
}

export const menu: readonly MenuCategory[] = [
  {
    category: 'Breakfast',
    items: [
      ['Buttermilk Pancakes', 'stack', 899],
      ['Brioche French Toast', 'one', 1049],
      ['Two-Egg Breakfast', 'one', 1199],
      ['Denver Omelette', 'one', 1299],
      ['Breakfast Burrito', 'one', 1149],
      ['Biscuits & Gravy', 'half', 749],
      ['Avocado Toast', 'one', 999],
      ['Steel-Cut Oatmeal', 'one', 649],
    ],
  },
  {
    category: 'Burgers',
    items: [
      ['Cheeseburger', 'burger', 1099],
      ['Bacon Cheeseburger', 'burger', 1249],
      ['Mushroom Swiss Burger', 'burger', 1299],
      ['BBQ Burger', 'burger', 1299],
      ['Veggie Burger', 'one', 1149],
      ['Turkey Burger', 'one', 1199],
      ['Patty Melt', 'one', 1249],
      ['Slider Trio', 'one', 1099],
    ],
  },
  {
    category: 'Sandwiches',
    items: [
      ['Club Sandwich', 'one', 1199],
      ['BLT', 'one', 999],
      ['Grilled Cheese', 'one', 849],
      ['Reuben', 'one', 1349],
      ['Philly Cheesesteak', 'half', 899],
      ['Tuna Melt', 'one', 1049],
      ['Chicken Caesar Wrap', 'one', 1099],
      ['Pulled Pork Sandwich', 'one', 1199],
    ],
  },
  {
    category: 'Salads & Soups',
    items: [
      ['Caesar Salad', 'salad', 649],
      ['Cobb Salad', 'one', 1399],
      ['House Salad', 'salad', 549],
      ['Greek Salad', 'one', 1249],
      ['Chicken Noodle Soup', 'soup', 549],
      ['Tomato Basil Soup', 'soup', 499],
      ['Diner Chili', 'soup', 599],
    ],
  },
  {
    category: 'Blue Plate Specials',
    items: [
      ['Chicken Fried Steak', 'one', 1699],
      ['Meatloaf Dinner', 'one', 1599],
      ['Fish & Chips', 'one', 1649],
      ['Chicken Tenders', 'pieces', 999],
      ['Pot Roast', 'one', 1799],
      ['Grilled Salmon', 'one', 2099],
      ['Spaghetti & Meatballs', 'one', 1549],
    ],
  },
  {
    category: 'Sides',
    items: [
      ['French Fries', 'drink', 399],
      ['Sweet Potato Fries', 'drink', 499],
      ['Onion Rings', 'drink', 549],
      ['Mac & Cheese', 'salad', 549],
      ['Coleslaw', 'one', 299],
      ['Mashed Potatoes', 'one', 399],
      ['Hash Browns', 'one', 349],
      ['Side of Bacon', 'one', 449],
    ],
  },
  {
    category: 'Desserts',
    items: [
      ['Apple Pie', 'pie', 549],
      ['Cherry Pie', 'pie', 549],
      ['Brownie Sundae', 'one', 799],
      ['New York Cheesecake', 'one', 749],
      ['Banana Split', 'one', 899],
      ['Chocolate Chip Cookie', 'one', 249],
    ],
  },
  {
    category: 'Drinks',
    items: [
      ['Fountain Soda', 'fountain', 249, false],
      ['Iced Tea', 'drink', 299, false],
      ['Lemonade', 'drink', 349],
      ['Drip Coffee', 'drink', 249, false],
      ['Hot Tea', 'one', 249, false],
      ['Orange Juice', 'drink', 399],
      ['Chocolate Milkshake', 'drink', 599],
      ['Vanilla Milkshake', 'drink', 599],
    ],
  },
];

export interface MenuVariation {
  name: string;
  price: number;
}

/** The variations of an entry, prices rounded to end in 49 or 99 cents. */
export function variationsOf(sizeSet: SizeSet, basePrice: number): MenuVariation[] {
  return sizes[sizeSet].map(([name, factor]) => ({
    name,
    price: factor === 1 ? basePrice : Math.round((basePrice * factor) / 50) * 50 - 1,
  }));
}
