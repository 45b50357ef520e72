import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for everyone (the package has no `exports` map), but
    // Vite would give test-transformed code the `.mjs` build: two graphql realms in one test.
    // Point Vite at what Node uses so schemas built by Apollo's packages work with our code.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test file starts its own servers on port 0; files run in parallel processes.
    pool: 'forks',
  },
});
