// Types of the aws-sdk-client-mock matchers that vitest.config.ts installs (setupFiles) for every test.
import 'aws-sdk-client-mock-vitest/extend';
