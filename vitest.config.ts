import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/engines.global.ts'],
    setupFiles: ['test/support/env.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: DynamoDB Local shares them with the test workers.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
