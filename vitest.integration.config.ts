import { defineConfig } from 'vitest/config';

// Real nginx, HAProxy, gunicorn and Django (Debian packages that .ci/run installs): `npm run test:integration`.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    // These run dist/index.js too: rebuild it first when the sources changed since it was built.
    globalSetup: ['test/support/fresh-dist.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
