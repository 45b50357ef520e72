import type { ResilienceSettings } from '../../subgraphs/kit/resilience.ts';

/**
 * The production policies at test speed: the same shape as the defaults, with budgets,
 * backoffs and break durations in the tens and hundreds of milliseconds.
 */
export function fastPolicies(overrides: Partial<ResilienceSettings> = {}): ResilienceSettings {
  return {
    requestBudgetMs: 1_500,
    retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 80 },
    breaker: { failureRatio: 0.5, windowMs: 2_000, minimumCalls: 6, halfOpenAfterMs: 400 },
    ...overrides,
  };
}
