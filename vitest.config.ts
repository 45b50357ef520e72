import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test file starts its own servers on port 0; files run in parallel processes.
    pool: 'forks',
  },
});
