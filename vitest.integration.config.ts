import { defineConfig } from 'vitest/config';

// Real nginx, HAProxy, gunicorn and Django (Debian packages that .ci/run installs): `npm run test:integration`.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
