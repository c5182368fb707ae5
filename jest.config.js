// OPENAI_SDK_DIR (set by scripts/test-versions.mjs): the directory of another installed `openai` package;
// `openai` and `openai/*` then resolve to it instead of node_modules/openai.
const openaiSdkDir = process.env.OPENAI_SDK_DIR ? require('node:path').resolve(process.env.OPENAI_SDK_DIR) : undefined;
// openai 4.x picks its fetch/runtime shims through the `node` export condition of `openai/_shims/auto/*`,
// which a moduleNameMapper path skips (it would load the web shims, unlike any Node app): map it as Node does.
const openaiShims = openaiSdkDir && require('node:fs').existsSync(`${openaiSdkDir}/_shims/auto`)
  ? { '^openai/_shims/auto/(.*)$': `${openaiSdkDir}/_shims/auto/$1-node` }
  : {};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(m?js|tsx?)$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  ...(openaiSdkDir && { moduleNameMapper: { ...openaiShims, '^openai$': openaiSdkDir, '^openai/(.*)$': `${openaiSdkDir}/$1` } }),
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
