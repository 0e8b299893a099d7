// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the pure core may never import: anything that does I/O or talks to a cloud or cluster. */
const coreForbidden = {
  paths: [
    { name: 'node:fs', message: 'lib/core is pure: read files in lib/adapters.' },
    { name: 'node:fs/promises', message: 'lib/core is pure: read files in lib/adapters.' },
    { name: 'fs', message: 'lib/core is pure: read files in lib/adapters.' },
    { name: 'fs/promises', message: 'lib/core is pure: read files in lib/adapters.' },
    { name: 'node:child_process', message: 'lib/core is pure.' },
    { name: 'node:net', message: 'lib/core is pure.' },
    { name: 'node:http', message: 'lib/core is pure.' },
    { name: 'node:https', message: 'lib/core is pure.' },
    { name: '@kubernetes/client-node', message: 'lib/core is pure: talk to clusters in lib/adapters/k8s.' },
  ],
  patterns: [
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'lib/core is pure: use the AWS SDK in lib/adapters/aws.' },
    { group: ['**/adapters/**', '**/cli/**'], message: 'lib/core must not depend on adapters or the CLI.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'reports/', 'dist/', '.scratch/', '.serverless/', '.esbuild/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['lib/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', coreForbidden],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'lib/core reads no environment: pass values in.' },
        { name: 'console', message: 'lib/core never logs: return diagnostics.' }],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'lib/core reads no clock: pass the time in.' }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'lib/core reads no clock: pass the time in.' },
        { object: 'Math', property: 'random', message: 'lib/core is deterministic.' }],
    },
  },
  {
    files: ['bin/kubeseg', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // CommonJS because serverless-esbuild loads its plugins file with require.
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
