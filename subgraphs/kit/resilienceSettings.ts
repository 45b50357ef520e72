import { z } from 'zod';
import { ConfigError } from '../../platform/config.ts';
import { createInProcessRateLimiter, type RateLimiter } from './rateLimiter.ts';
import { createRedisRateLimiter } from './rateLimiterRedis.ts';
import { defaultResilience, type ResilienceSettings } from './resilience.ts';

/**
 * The resilience policies' environment, read with the rest of a subgraph's settings
 * (readSubgraphSettings). Per upstream, e.g. for `POS`: POS_API_RATE_PER_SECOND (0 turns the
 * limit off), POS_API_RATE_BURST; shared: SUBGRAPH_REQUEST_BUDGET_MS, UPSTREAM_RETRIES,
 * UPSTREAM_RETRY_BUDGET_RATIO,
 * UPSTREAM_RETRY_DELAY_MS, UPSTREAM_RETRY_MAX_DELAY_MS, UPSTREAM_BREAKER_FAILURE_RATIO,
 * UPSTREAM_BREAKER_WINDOW_MS, UPSTREAM_BREAKER_MIN_CALLS, UPSTREAM_BREAKER_HALF_OPEN_AFTER_MS,
 * RATE_LIMIT_STORE (`memory`, or `redis` to share each bucket through REDIS_URL).
 */
const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Square publishes no quota; it answers 429 when a token calls too fast. 20 calls a second (a
 * burst of 40) is what Toast allows per restaurant and twice 7shifts' limit: a safe start.
 */
const defaultRatePerSecond = 20;
const defaultRateBurst = 40;

export function resilienceEnvShape(prefix: string) {
  return {
    [`${prefix}_API_RATE_PER_SECOND`]: z.coerce.number().min(0).default(defaultRatePerSecond),
    [`${prefix}_API_RATE_BURST`]: z.coerce.number().int().min(1).default(defaultRateBurst),
    SUBGRAPH_REQUEST_BUDGET_MS: ms(defaultResilience.requestBudgetMs),
    UPSTREAM_RETRIES: count(defaultResilience.retry.maxRetries),
    UPSTREAM_RETRY_BUDGET_RATIO: z.coerce
      .number()
      .min(0)
      .default(defaultResilience.retry.budgetRatio ?? 1),
    UPSTREAM_RETRY_DELAY_MS: ms(defaultResilience.retry.initialDelayMs),
    UPSTREAM_RETRY_MAX_DELAY_MS: ms(defaultResilience.retry.maxDelayMs),
    UPSTREAM_BREAKER_FAILURE_RATIO: z.coerce
      .number()
      .gt(0)
      .lt(1)
      .default(defaultResilience.breaker.failureRatio),
    UPSTREAM_BREAKER_WINDOW_MS: ms(defaultResilience.breaker.windowMs),
    UPSTREAM_BREAKER_MIN_CALLS: count(defaultResilience.breaker.minimumCalls),
    UPSTREAM_BREAKER_HALF_OPEN_AFTER_MS: ms(defaultResilience.breaker.halfOpenAfterMs),
    RATE_LIMIT_STORE: z.enum(['memory', 'redis']).default('memory'),
  };
}

export function resilienceFromEnv(
  values: Record<string, unknown>,
  prefix: string,
): ResilienceSettings {
  if (values.RATE_LIMIT_STORE === 'redis' && !values.REDIS_URL) {
    throw new ConfigError('invalid configuration:\n  RATE_LIMIT_STORE: redis needs REDIS_URL');
  }
  const perSecond = values[`${prefix}_API_RATE_PER_SECOND`] as number;
  return {
    requestBudgetMs: values.SUBGRAPH_REQUEST_BUDGET_MS as number,
    retry: {
      maxRetries: values.UPSTREAM_RETRIES as number,
      budgetRatio: values.UPSTREAM_RETRY_BUDGET_RATIO as number,
      initialDelayMs: values.UPSTREAM_RETRY_DELAY_MS as number,
      maxDelayMs: values.UPSTREAM_RETRY_MAX_DELAY_MS as number,
    },
    breaker: {
      failureRatio: values.UPSTREAM_BREAKER_FAILURE_RATIO as number,
      windowMs: values.UPSTREAM_BREAKER_WINDOW_MS as number,
      minimumCalls: values.UPSTREAM_BREAKER_MIN_CALLS as number,
      halfOpenAfterMs: values.UPSTREAM_BREAKER_HALF_OPEN_AFTER_MS as number,
    },
    rateLimit:
      perSecond > 0
        ? { perSecond, burst: values[`${prefix}_API_RATE_BURST`] as number }
        : undefined,
    rateLimitStore: values.RATE_LIMIT_STORE as 'memory' | 'redis',
  };
}

/** The bucket store the settings ask for: Redis when shared, else in process. */
export function createRateLimiter(options: {
  resilience: ResilienceSettings | undefined;
  redisUrl: string | undefined;
  cachePrefix: string | undefined;
}): RateLimiter {
  if (options.resilience?.rateLimitStore === 'redis' && options.redisUrl) {
    return createRedisRateLimiter({
      url: options.redisUrl,
      prefix: options.cachePrefix ?? 'restaurant-graph',
    });
  }
  return createInProcessRateLimiter();
}
