import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two test files at a time: vitest's default on a 2-core machine is one (cores - 1), and most files wait on child
    // processes (the CLI, GDAL, chromium, networkx) rather than compute; HEATPLAN_TEST_WORKERS overrides it
    maxWorkers: Number(process.env.HEATPLAN_TEST_WORKERS) || 2,
    reporters: ['default'],
  },
});
