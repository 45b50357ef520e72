import { describe, expect, it } from 'vitest';
import { createInProcessRateLimiter, type RateLimiter } from '../../subgraphs/kit/rateLimiter.ts';
import { createRedisRateLimiter } from '../../subgraphs/kit/rateLimiterRedis.ts';
import { redisAvailable, testRedisUrl, uniqueNamespace } from '../redis.ts';

const limit = { perSecond: 10, burst: 3 };

async function reserveMany(limiter: RateLimiter, key: string, count: number, maxWaitMs = 10_000) {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) {
    const reservation = await limiter.reserve(key, limit, maxWaitMs);
    waits.push(reservation.granted ? Math.round(reservation.waitMs) : -1);
  }
  return waits;
}

describe('in-process token bucket', () => {
  it('lets a burst through at once, then spaces calls at the rate, in order', async () => {
    const limiter = createInProcessRateLimiter(() => 1_000);
    expect(await reserveMany(limiter, 'pos', 6)).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills with time, never above the burst', async () => {
    let now = 0;
    const limiter = createInProcessRateLimiter(() => now);
    await reserveMany(limiter, 'pos', 3);
    now = 250; // 2.5 tokens back
    expect(await reserveMany(limiter, 'pos', 3)).toEqual([0, 0, 50]);
    now = 60_000;
    expect(await reserveMany(limiter, 'pos', 4)).toEqual([0, 0, 0, 100]);
  });

  it('refuses a caller who cannot wait that long, and takes nothing from the bucket', async () => {
    const limiter = createInProcessRateLimiter(() => 0);
    await reserveMany(limiter, 'pos', 3);
    expect(await limiter.reserve('pos', limit, 50)).toEqual({ granted: false, waitMs: 100 });
    expect(await limiter.reserve('pos', limit, 100)).toEqual({ granted: true, waitMs: 100 });
  });

  it('keeps one bucket per key (an upstream and its API token)', async () => {
    const limiter = createInProcessRateLimiter(() => 0);
    await reserveMany(limiter, 'pos:token-a', 3);
    expect(await reserveMany(limiter, 'pos:token-b', 1)).toEqual([0]);
  });
});

const withRedis = await redisAvailable();

describe.skipIf(!withRedis)('token bucket in Redis', () => {
  it('two instances with one API token draw from one bucket', async () => {
    const prefix = uniqueNamespace('rate-limit');
    const first = createRedisRateLimiter({ url: testRedisUrl, prefix });
    const second = createRedisRateLimiter({ url: testRedisUrl, prefix });
    try {
      const waits = [
        ...(await reserveMany(first, 'pos', 2)),
        ...(await reserveMany(second, 'pos', 2)),
        ...(await reserveMany(first, 'pos', 1)),
      ];
      // Three free tokens between them, then one each 100 ms (less the time the calls took).
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(0);
      expect(waits[3]).toBeLessThanOrEqual(100);
      expect(waits[4]).toBeGreaterThan(100);
      expect(waits[4]).toBeLessThanOrEqual(200);
      expect(await second.reserve('pos', limit, 10)).toMatchObject({ granted: false });
      expect(await reserveMany(second, 'inventory', 1)).toEqual([0]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('token bucket in Redis, with Redis unreachable', () => {
  it('falls back to a bucket in this process instead of failing the call', async () => {
    const limiter = createRedisRateLimiter({
      url: 'redis://127.0.0.1:1',
      prefix: uniqueNamespace('rate-limit'),
    });
    try {
      const waits = await reserveMany(limiter, 'pos', 4);
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(50); // 100 ms less the time the reservations took
      expect(waits[3]).toBeLessThanOrEqual(100);
    } finally {
      await limiter.close();
    }
  });
});
