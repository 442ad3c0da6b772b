import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/integration/**', 'node_modules/**'],
    // The bundle tests run dist/index.js: rebuild it first when the sources changed since it was built.
    globalSetup: ['test/support/fresh-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Loopback servers and child processes: keep the 2-core machine from oversubscribing.
    maxWorkers: 2,
  },
});
