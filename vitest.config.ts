import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts DynamoDB Local when a selected test file imports test/setup/dynamo.ts.
    globalSetup: ['test/setup/dynamodb-local.ts'],
    // Scans every request record a file's gateways wrote for the keys it used.
    setupFiles: ['test/setup/record-scan.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
