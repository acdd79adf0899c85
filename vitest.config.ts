import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Unit and integration tests: every *.test.ts beside the code it tests, in two projects. The core runs in
// forks, not threads, because it loads native modules (better-sqlite3, onnxruntime-node) and RDKit's
// WebAssembly per process; the renderer's component tests run in jsdom with Svelte's browser build.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'core',
          include: ['{app,main,models}/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          include: ['renderer/src/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
    ],
  },
});
