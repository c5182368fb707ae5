/*
 * An ES module app: `node --import ./esm-preload.mjs esm-app.mjs`. The preload registered the
 * import-in-the-middle hook and the instrumentations; this file imports openai like any ESM app, so the
 * spans prove the ESM loader hook patched openai's own ESM build (index.mjs), which is a separate set of
 * classes from the CommonJS build.
 *
 * Env: OPENAI_BASE_URL_FOR_TEST; GENAI_APP_REGISTER=0 for the negative control (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import OpenAI from 'openai';
import { OpenAIInstrumentation, getGenAIInstrumentations } from 'opentelemetry-instrumentation-genai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { makeCalls, isWrapped, printResult } = require('./telemetry.cjs');

async function main() {
  const baseURL = process.env.OPENAI_BASE_URL_FOR_TEST;
  if (!baseURL) throw new Error('OPENAI_BASE_URL_FOR_TEST is not set');
  const state = globalThis.__genaiTestSdk;
  if (!state) throw new Error('run with --import ./esm-preload.mjs');

  const calls = await makeCalls(OpenAI, baseURL);
  const recorded = await state.sdk.collect();

  // The ESM entry re-exports the CommonJS build: one class, one instrumentation state per process.
  const cjsPackage = require('opentelemetry-instrumentation-genai');
  const cjsOpenAI = require('openai');
  printResult({
    app: 'esm',
    registered: state.registered,
    packageEntry: fileURLToPath(import.meta.resolve('opentelemetry-instrumentation-genai')),
    openaiEntry: fileURLToPath(import.meta.resolve('openai')),
    sameInstrumentationClass: OpenAIInstrumentation === cjsPackage.OpenAIInstrumentation,
    sameFactory: getGenAIInstrumentations === cjsPackage.getGenAIInstrumentations,
    esmAndCjsOpenAIDistinct: OpenAI !== cjsOpenAI && OpenAI.Chat.Completions !== cjsOpenAI.Chat.Completions,
    createWrapped: isWrapped(OpenAI.Chat.Completions.prototype.create),
    cjsCreateWrapped: isWrapped(cjsOpenAI.Chat.Completions.prototype.create),
    calls,
    ...recorded,
  });
  await state.sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
