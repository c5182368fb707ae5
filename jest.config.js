// OPENAI_SDK_DIR (set by scripts/test-versions.mjs): the directory of another installed `openai` package;
// `openai` and `openai/*` then resolve to it instead of node_modules/openai.
const openaiSdkDir = process.env.OPENAI_SDK_DIR ? require('node:path').resolve(process.env.OPENAI_SDK_DIR) : undefined;
// openai 4.x picks its fetch/runtime shims through the `node` export condition of `openai/_shims/auto/*`,
// which a moduleNameMapper path skips (it would load the web shims, unlike any Node app): map it as Node does.
const openaiShims = openaiSdkDir && require('node:fs').existsSync(`${openaiSdkDir}/_shims/auto`)
  ? { '^openai/_shims/auto/(.*)$': `${openaiSdkDir}/_shims/auto/$1-node` }
  : {};

// ANTHROPIC_SDK_DIR: the same for `@anthropic-ai/sdk` (the directory of another installed copy, e.g.
// .cache/sdks/anthropic-0/node_modules/@anthropic-ai/sdk for the latest 0.x). That copy depends on
// @opentelemetry/api (its native tracing); installed on its own it gets a copy of the API of its own, whose
// version may not accept the globals the tests register through the repo's copy. In an app npm dedupes the
// two, so the API maps to the repo's copy too.
const anthropicSdkDir = process.env.ANTHROPIC_SDK_DIR ? require('node:path').resolve(process.env.ANTHROPIC_SDK_DIR) : undefined;
const anthropicMapping = anthropicSdkDir
  ? {
      '^@anthropic-ai/sdk$': anthropicSdkDir,
      '^@anthropic-ai/sdk/(.*)$': `${anthropicSdkDir}/$1`,
      '^@opentelemetry/api$': require.resolve('@opentelemetry/api'),
    }
  : {};

// GOOGLE_GENAI_SDK_DIR: the same for `@google/genai` (e.g. .cache/sdks/google-genai-1/node_modules/@google/genai):
// `@google/genai` resolves to that copy's CommonJS Node bundle, as `require` does in Node (dist/node/index.cjs;
// dist/node/index.js in early 1.x).
const googleGenAISdkDir = process.env.GOOGLE_GENAI_SDK_DIR ? require('node:path').resolve(process.env.GOOGLE_GENAI_SDK_DIR) : undefined;
const googleGenAIMapping = googleGenAISdkDir
  ? {
      '^@google/genai$': ['dist/node/index.cjs', 'dist/node/index.js']
        .map((f) => `${googleGenAISdkDir}/${f}`)
        .find((f) => require('node:fs').existsSync(f)),
    }
  : {};

// GROQ_SDK_DIR: the same for `groq-sdk` (e.g. .cache/sdk-versions/groq-0/node_modules/groq-sdk). 0.x has
// openai 4's layout, shims included: `groq-sdk/_shims/auto/*` maps to the Node shims, as for openai 4.
const groqSdkDir = process.env.GROQ_SDK_DIR ? require('node:path').resolve(process.env.GROQ_SDK_DIR) : undefined;
const groqMapping = groqSdkDir
  ? {
      ...(require('node:fs').existsSync(`${groqSdkDir}/_shims/auto`) && { '^groq-sdk/_shims/auto/(.*)$': `${groqSdkDir}/_shims/auto/$1-node` }),
      '^groq-sdk$': groqSdkDir,
      '^groq-sdk/(.*)$': `${groqSdkDir}/$1`,
    }
  : {};

// VERCEL_AI_SDK_DIR: the same for `ai` (e.g. .cache/sdk-versions/vercel-ai-6/node_modules/ai). The folder it
// was installed into also holds the @ai-sdk/* providers of that major and zod (scripts/test-versions.mjs):
// `@ai-sdk/openai`, `@ai-sdk/anthropic` and `zod` as the tests require them map there too, and the
// @opentelemetry/api that `ai` 5 and 6 depend on maps to the repo's copy (an app dedupes the two).
const vercelAISdkDir = process.env.VERCEL_AI_SDK_DIR ? require('node:path').resolve(process.env.VERCEL_AI_SDK_DIR) : undefined;
const vercelAIModules = vercelAISdkDir && require('node:path').dirname(vercelAISdkDir);
const vercelAIMapping = vercelAISdkDir
  ? {
      '^ai$': vercelAISdkDir,
      '^ai/package.json$': `${vercelAISdkDir}/package.json`,
      '^@ai-sdk/(openai|anthropic)$': `${vercelAIModules}/@ai-sdk/$1`,
      ...(require('node:fs').existsSync(`${vercelAIModules}/zod`) && { '^zod$': `${vercelAIModules}/zod` }),
      '^@opentelemetry/api$': require.resolve('@opentelemetry/api'),
    }
  : {};

// LANGCHAIN_CORE_SDK_DIR: the same for `@langchain/core` (e.g. .cache/sdk-versions/langchain-1/node_modules/@langchain/core),
// for the tests and for @langchain/openai, @langchain/anthropic and LangGraph, which load it as a peer.
// Its subpaths (`@langchain/core/callbacks/manager`) resolve through its "exports" map; the package also
// ships a CommonJS stub per subpath at its root (callbacks/manager.cjs → dist/callbacks/manager.cjs),
// which is what `require` gets.
const langchainCoreDir = process.env.LANGCHAIN_CORE_SDK_DIR ? require('node:path').resolve(process.env.LANGCHAIN_CORE_SDK_DIR) : undefined;
const langchainCoreMapping = langchainCoreDir
  ? {
      '^@langchain/core/package\\.json$': `${langchainCoreDir}/package.json`,
      '^@langchain/core/(.*)$': `${langchainCoreDir}/$1.cjs`,
    }
  : {};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault-injection suite has its own config and command (`npm run test:faults`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.(m?js|tsx?)$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  // The AI SDK (`ai` 7 and its `@ai-sdk/*` packages) is ES modules only: swc compiles it to CommonJS like the tests.
  transformIgnorePatterns: ['/node_modules/(?!(ai|@ai-sdk|@workflow|zod)/)'],
  ...((openaiSdkDir || anthropicSdkDir || googleGenAISdkDir || groqSdkDir || vercelAISdkDir || langchainCoreDir) && {
    moduleNameMapper: {
      ...(openaiSdkDir && { ...openaiShims, '^openai$': openaiSdkDir, '^openai/(.*)$': `${openaiSdkDir}/$1` }),
      ...anthropicMapping,
      ...googleGenAIMapping,
      ...groqMapping,
      ...vercelAIMapping,
      ...langchainCoreMapping,
    },
  }),
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
