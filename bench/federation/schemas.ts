import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { type GraphQLSchema, parse } from 'graphql';
import { inStockByUpc, products, type Review, reviews, users } from './data.ts';

/**
 * The four subgraphs of the public federation benchmark, resolving exactly as the published
 * Rust ones do, quirks included, so every gateway's answer equals the published expected
 * response (expected-response.json).
 */
export const subgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

function sdl(name: SubgraphName) {
  return parse(readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8'));
}

const userById = (id: string) => users.find((user) => user.id === id) ?? null;
const productByUpc = (upc: string) => products.find((product) => product.upc === upc) ?? null;
// Every review's author is user 1 and every user's reviews are the first two: the published
// reviews subgraph hard-codes both.
const firstTwoReviews = () => reviews.slice(0, 2);

const accounts: GraphQLResolverMap<unknown> = {
  Query: {
    me: () => users[0],
    user: (_: unknown, { id }: { id: string }) => userById(id),
    users: () => users,
  },
  User: {
    __resolveReference: ({ id }: { id: string }) => userById(id),
  },
};

const inventory: GraphQLResolverMap<unknown> = {
  Product: {
    // The published subgraph looks the product up by UPC and drops the `price` and `weight` the
    // gateway sends for `@requires`, so `shippingEstimate` is always null in the expected response.
    __resolveReference: ({ upc }: { upc: string }) => ({
      upc,
      inStock: inStockByUpc[upc] ?? null,
      price: null,
      weight: null,
    }),
    shippingEstimate: ({ price, weight }: { price: number | null; weight: number | null }) => {
      if (price === null) return null;
      if (price > 1000) return 0;
      return weight === null ? null : Math.trunc(weight / 2);
    },
  },
};

const productsResolvers: GraphQLResolverMap<unknown> = {
  Query: {
    topProducts: (_: unknown, { first }: { first?: number | null }) =>
      products.slice(0, first ?? 5),
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => productByUpc(upc),
  },
};

const reviewsResolvers: GraphQLResolverMap<unknown> = {
  Review: {
    __resolveReference: ({ id }: { id: string }) => reviews.find((r) => r.id === id) ?? null,
    product: (review: Review) => ({ upc: review.productUpc }),
    author: () => ({ id: '1', username: 'urigo' }),
  },
  User: {
    __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user' }),
    reviews: firstTwoReviews,
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
    reviews: ({ upc }: { upc: string }) => reviews.filter((review) => review.productUpc === upc),
  },
};

const resolversByName: Record<SubgraphName, GraphQLResolverMap<unknown>> = {
  accounts,
  inventory,
  products: productsResolvers,
  reviews: reviewsResolvers,
};

export function buildBenchmarkSubgraphSchema(name: SubgraphName): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: sdl(name), resolvers: resolversByName[name] });
}
