import { defineConfig } from 'vitest/config';
import { toolTags } from './test/helpers/tools.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    tags: toolTags(),
    // An absolute path: test/fixtures/tools runs these settings from its own root.
    globalSetup: [`${import.meta.dirname}/test/helpers/skippedTestsNotice.ts`],
    // The AWS SDK warns once per process that Node 20 support ends; the mocks' matchers extend expect.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['aws-sdk-client-mock-vitest/extend'],
    coverage: { include: ['lib/**/*.ts'], exclude: ['**/*.d.ts'] },
  },
});
