/*
 * ESM compat app for the OpenTelemetry 3.x line, started by scripts/test-otel-lines.mjs as
 *   node --import ./otel3-esm-preload.mjs app-otel3.mjs
 * from .cache/otel-lines/otel-3.x/. `import OpenAI from 'openai'` loads openai's ESM build, patched by
 * the import-in-the-middle hook that the preload registered.
 */
import OpenAI from 'openai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { checkChatCall, runMain } = require('./compat-common.cjs');
const label = 'otel-3.x nodesdk-esm';

runMain(label, async () => {
  const state = globalThis.__genaiCompat;
  if (!state) throw new Error('run with --import ./otel3-esm-preload.mjs');
  await checkChatCall(label, {
    ...state, // spanExporter, metricReader, logExporter
    OpenAI,
    shutdown: () => state.sdk.shutdown(),
    openaiLabel: 'ESM openai',
    extraProblems: () => (OpenAI === require('openai') ? ['expected the ESM build of openai, got the CommonJS one'] : []),
  });
});
