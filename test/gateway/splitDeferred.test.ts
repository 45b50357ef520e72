import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { incrementalEntries, splitDeferred } from '../../gateway/defer/splitDeferred.ts';

const compact = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('@defer by splitting the operation', () => {
  const query = parse(`
    query Orders($locationId: ID!, $first: Int) {
      location(id: $locationId) {
        name
        openOrders(first: $first) {
          id
          lineItems {
            menuItem {
              fullName
              ... @defer(label: "stock") { stock(locationId: $locationId) { quantity } }
            }
          }
        }
        ...Shift @defer
      }
    }
    fragment Shift on Location { onShiftNow { displayName } }
  `);

  it('the initial part leaves the deferred fragments out; each deferred part selects only its path', () => {
    const split = splitDeferred(query, undefined, {});
    expect(compact(print(split?.initial ?? query))).toBe(
      compact(`query Orders($locationId: ID!, $first: Int) {
        location(id: $locationId) { name openOrders(first: $first) { id lineItems { menuItem { fullName } } } }
      }`),
    );
    expect(
      split?.deferred.map((part) => [part.label, part.path, compact(print(part.document))]),
    ).toEqual([
      [
        'stock',
        ['location', 'openOrders', 'lineItems', 'menuItem'],
        compact(`query Orders($locationId: ID!, $first: Int) {
          location(id: $locationId) { openOrders(first: $first) { lineItems { menuItem { ... { stock(locationId: $locationId) { quantity } } } } } }
        }`),
      ],
      [
        undefined,
        ['location'],
        // Only the variables and fragments a part uses stay in it.
        compact(`query Orders($locationId: ID!) { location(id: $locationId) { ...Shift } }
          fragment Shift on Location { onShiftNow { displayName } }`),
      ],
    ]);
  });

  it('@defer(if: false) is not deferred, and a document with nothing deferred is left alone', () => {
    const off = parse(`query ($d: Boolean!) { location(id: "L") { ... @defer(if: $d) { name } } }`);
    expect(splitDeferred(off, undefined, { d: false })).toBeUndefined();
    expect(splitDeferred(off, undefined, { d: true })?.deferred).toHaveLength(1);
  });

  it('a deferred result becomes one entry per object its path reaches, list indexes included', () => {
    const split = splitDeferred(query, undefined, {});
    const part = split?.deferred[0];
    if (!part) throw new Error('no part');
    const data = {
      location: {
        openOrders: [
          { lineItems: [{ menuItem: { stock: { quantity: 3 } } }, { menuItem: null }] },
          { lineItems: [{ menuItem: { stock: null } }] },
        ],
      },
    };
    expect(incrementalEntries(part, data)).toEqual([
      {
        data: { stock: { quantity: 3 } },
        path: ['location', 'openOrders', 0, 'lineItems', 0, 'menuItem'],
        label: 'stock',
      },
      {
        data: { stock: null },
        path: ['location', 'openOrders', 1, 'lineItems', 0, 'menuItem'],
        label: 'stock',
      },
    ]);
  });
});
