import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisApqStore } from '../../gateway/apqStore.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';

/**
 * apqStore.ts's `documentFor(hash)` reads Apollo Server's persisted queries where Apollo Server
 * writes them in its cache: under `apq:<sha256>`. That key is Apollo's internal layout; this
 * pins it against the installed @apollo/server through the real store on Redis.
 */
const store = createRedisApqStore({ url: testRedisUrl, prefix: uniqueNamespace('apq-contract') });
afterAll(() => store.close());

describe.runIf(await redisAvailable())("contract: Apollo Server's persisted-query key", () => {
  it('a document registered through Apollo Server is found by its hash', async () => {
    const server = new ApolloServer({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'world' } },
      cache: store,
    });
    await server.start();
    const query = '{ hello }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const response = await server.executeOperation({
      query,
      extensions: { persistedQuery: { version: 1, sha256Hash } },
    });
    expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({
      hello: 'world',
    });
    // Apollo Server writes the document without holding up the answer.
    await expect.poll(() => store.documentFor(sha256Hash), { timeout: 5_000 }).toBe(query);
    await server.stop();
  });
});
