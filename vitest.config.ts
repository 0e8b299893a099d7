import { defineConfig } from 'vitest/config';
import { toolTags } from './test/helpers/tools.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    tags: toolTags(),
    // An absolute path: test/fixtures/tools runs these settings from its own root.
    globalSetup: [`${import.meta.dirname}/test/helpers/skippedTestsNotice.ts`],
    coverage: { include: ['lib/**/*.ts'], exclude: ['**/*.d.ts'] },
  },
});
