import { defineConfig } from 'vitest/config';

// The timing tests (`*.timing.test.ts`), one file at a time after the rest of `npm test` (vitest.config.ts
// leaves them out), so no other test competes for the two cores while they measure. They need no database.
export default defineConfig({
  test: {
    include: ['test/**/*.timing.test.ts'],
    testTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.kit/test-results-timing.json' }]],
  },
});
