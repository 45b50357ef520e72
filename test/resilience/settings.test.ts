import { describe, expect, it } from 'vitest';
import { readSubgraphSettings } from '../../subgraphs/kit/subgraphRuntime.ts';

const read = (env: Record<string, string>) =>
  readSubgraphSettings('POS', { port: 4001, apiUrl: 'http://127.0.0.1:4101' }, env);

describe('resilience settings from the environment', () => {
  it('has working defaults: 3 s per try, 8 s per request, 5 retries within a budget of double the calls, 20 calls/s', () => {
    const settings = read({});
    expect(settings.upstream.timeoutMs).toBe(3_000);
    expect(settings.resilience).toEqual({
      requestBudgetMs: 8_000,
      retry: { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 2_000, budgetRatio: 1 },
      breaker: { failureRatio: 0.5, windowMs: 10_000, minimumCalls: 10, halfOpenAfterMs: 5_000 },
      rateLimit: { perSecond: 20, burst: 40 },
      rateLimitStore: 'memory',
    });
  });

  it('sets the quota per upstream; 0 turns the client-side limit off', () => {
    expect(
      read({ POS_API_RATE_PER_SECOND: '2.5', POS_API_RATE_BURST: '5' }).resilience,
    ).toMatchObject({
      rateLimit: { perSecond: 2.5, burst: 5 },
    });
    expect(read({ INVENTORY_API_RATE_PER_SECOND: '1' }).resilience?.rateLimit?.perSecond).toBe(20);
    expect(read({ POS_API_RATE_PER_SECOND: '0' }).resilience?.rateLimit).toBeUndefined();
  });

  it('names every bad variable, and refuses a shared quota without Redis', () => {
    expect(() => read({ UPSTREAM_BREAKER_FAILURE_RATIO: '1.5', UPSTREAM_RETRIES: '-1' })).toThrow(
      /UPSTREAM_RETRIES: .*\n.*UPSTREAM_BREAKER_FAILURE_RATIO: |UPSTREAM_BREAKER_FAILURE_RATIO: .*\n.*UPSTREAM_RETRIES: /,
    );
    expect(() => read({ RATE_LIMIT_STORE: 'redis' })).toThrow(
      'RATE_LIMIT_STORE: redis needs REDIS_URL',
    );
    expect(
      read({ RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).resilience
        ?.rateLimitStore,
    ).toBe('redis');
  });
});
