import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../subgraphs/kit/retryBudget.ts';

describe('the retry budget', () => {
  it('allows retries up to the ratio of first tries in the window, plus a floor per second', () => {
    let now = 1_000_000;
    const budget = createRetryBudget(
      { ratio: 0.5, minPerSecond: 0.1, windowMs: 10_000 },
      () => now,
    );
    for (let i = 0; i < 20; i++) budget.firstTry();
    // 0.5 × 20 first tries + 0.1/s × 10 s = 11 retries.
    const allowed = Array.from({ length: 15 }, () => budget.allowRetry()).filter(Boolean).length;
    expect(allowed).toBe(11);
    // The window moves on: those tries and retries no longer count, the floor still does.
    now += 11_000;
    expect(budget.allowRetry()).toBe(true);
    expect(budget.allowRetry()).toBe(false);
  });
});
