import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// k6's modules exist only inside k6: in Node tests the k6 adapter imports stand-ins that record calls.
const k6StandIn = fileURLToPath(new URL('test/scenarios/support/k6-stand-in/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^k6$/, replacement: `${k6StandIn}k6.ts` },
      { find: /^k6\/(.*)$/, replacement: `${k6StandIn}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that judge timing run alone afterwards (vitest.timing.config.ts): beside other test files
    // on two cores they would measure the machine's contention, not the code.
    exclude: ['test/**/*.timing.test.ts', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests start servers and run load: generous limits, never timing assertions.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more workers only make the real servers under test compete for CPU.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: '.kit/test-results.json' }]],
  },
});
