import { afterAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../platform/counters.ts';
import { createEntityCache, type EntityCache } from '../../subgraphs/kit/entityCache.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';

describe('entity cache, in memory', () => {
  it('serves an entry while fresh, then only to getAny (stale) with its fetch time', async () => {
    let now = 1_000_000;
    const cache = createEntityCache({
      namespace: 'mem',
      counters: createCounters(),
      now: () => now,
    });
    await cache.set('order', [['o1', { id: 'o1' }]]);
    expect(await cache.getFresh('order', ['o1'])).toEqual([
      { value: { id: 'o1' }, fetchedAt: 1_000_000 },
    ]);
    now += 30_001; // orders are fresh for 30 s
    expect(await cache.getFresh('order', ['o1'])).toEqual([undefined]);
    expect(await cache.getAny('order', ['o1'])).toEqual([
      { value: { id: 'o1' }, fetchedAt: 1_000_000 },
    ]);
    await cache.close();
  });

  it('counts hits and misses per tier and kind', async () => {
    const counters = createCounters();
    const cache = createEntityCache({ namespace: 'mem2', counters });
    await cache.set('stockByVariation', [['v1', []]]);
    await cache.getFresh('stockByVariation', ['v1', 'v2']);
    expect(counters.snapshot()).toEqual({
      'cache_lookups{kind="stockByVariation",result="hit",tier="l1"}': 1,
      'cache_lookups{kind="stockByVariation",result="miss",tier="l1"}': 1,
      'cache_lookups{kind="stockByVariation",result="hit",tier="l2"}': 0,
      'cache_lookups{kind="stockByVariation",result="miss",tier="l2"}': 1,
    });
    await cache.close();
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('entity cache on Redis (shared L2)', () => {
  const opened: EntityCache[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
  });

  it('an entry one instance stored is an L2 hit for another instance, and invalidation reaches both', async () => {
    const namespace = uniqueNamespace('cache');
    const countersB = createCounters();
    const a = createEntityCache({ namespace, counters: createCounters(), redisUrl: testRedisUrl });
    const b = createEntityCache({ namespace, counters: countersB, redisUrl: testRedisUrl });
    opened.push(a, b);
    await a.set('catalogVariation', [['v1', { name: 'Cheeseburger' }]]);
    const [hit] = await b.getFresh('catalogVariation', ['v1']);
    expect(hit?.value).toEqual({ name: 'Cheeseburger' });
    expect(countersB.get('cache_lookups', { tier: 'l2', result: 'hit' })).toBe(1);
    await a.invalidate('catalogVariation', ['v1']);
    const c = createEntityCache({ namespace, counters: createCounters(), redisUrl: testRedisUrl });
    opened.push(c);
    expect(await c.getFresh('catalogVariation', ['v1'])).toEqual([undefined]);
  });
});
