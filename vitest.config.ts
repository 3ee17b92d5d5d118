import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests start servers and run k6: generous limits, never timing assertions.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more workers only make the real servers under test compete for CPU.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: '.kit/test-results.json' }]],
  },
});
