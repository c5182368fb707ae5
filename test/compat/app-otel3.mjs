/*
 * ESM compat app for the OpenTelemetry 3.x line, started by scripts/test-otel-lines.mjs as
 *   node --import ./otel3-esm-preload.mjs app-otel3.mjs
 * from .cache/otel-lines/otel-3.x/. `import OpenAI from 'openai'` loads openai's ESM build, patched by
 * the import-in-the-middle hook that the preload registered.
 */
import OpenAI from 'openai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { pkgVersion, startMockServer, chatOnce, checkTelemetry, finish, runMain, isWrapped } = require('./compat-common.cjs');
const label = 'otel-3.x nodesdk-esm';

runMain(label, async () => {
  const state = globalThis.__genaiCompat;
  if (!state) throw new Error('run with --import ./otel3-esm-preload.mjs');
  const mock = await startMockServer();
  try {
    const replyText = await chatOnce(OpenAI, mock.baseURL);
    const { resourceMetrics } = await state.metricReader.collect();
    const problems = checkTelemetry({
      spans: state.spanExporter.getFinishedSpans(),
      resourceMetrics,
      logs: state.logExporter.getFinishedLogRecords(),
      port: mock.port,
      replyText,
    });
    const cjsOpenAI = require('openai');
    if (OpenAI === cjsOpenAI) problems.unshift('expected the ESM build of openai, got the CommonJS one');
    if (!isWrapped(OpenAI.Chat.Completions.prototype.create)) problems.unshift('ESM openai chat.completions.create is not wrapped');
    finish(label, problems, { api: pkgVersion('@opentelemetry/api'), openai: pkgVersion('openai') });
  } finally {
    await mock.close();
    await state.sdk.shutdown();
  }
});
