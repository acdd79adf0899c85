import { defineConfig } from 'vitest/config';

// End-to-end: the real UI in Debian's Chromium (playwright-core) against browser mode, one file at a time.
export default defineConfig({
  test: {
    include: ['renderer/e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
