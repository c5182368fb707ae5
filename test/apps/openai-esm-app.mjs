/*
 * An ES module app: `node --import ./openai-esm-preload.mjs openai-esm-app.mjs`. The preload registered the
 * import-in-the-middle hook and the instrumentations; this file imports openai like any ESM app, so the
 * spans prove the ESM loader hook patched openai's own ESM build (index.mjs), which is a separate set of
 * classes from the CommonJS build.
 *
 * Env: OPENAI_BASE_URL_FOR_TEST; GENAI_APP_REGISTER / GENAI_APP_ESM_HOOK (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import OpenAI from 'openai';
import { OpenAIInstrumentation, getGenAIInstrumentations } from 'opentelemetry-instrumentation-genai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped, preloaded, report, requiredEnv, runMain } = require('./telemetry.cjs');
const { makeOpenAICalls } = require('./openai-common.cjs');

runMain(async () => {
  const baseURL = requiredEnv('OPENAI_BASE_URL_FOR_TEST');
  const app = preloaded('openai-esm-preload.mjs');
  const calls = await makeOpenAICalls(OpenAI, baseURL);
  await report(app, 'esm', () => {
    // The ESM entry re-exports the CommonJS build: one class, one instrumentation state per process.
    const cjsPackage = require('opentelemetry-instrumentation-genai');
    const cjsOpenAI = require('openai');
    return {
      packageEntry: fileURLToPath(import.meta.resolve('opentelemetry-instrumentation-genai')),
      openaiEntry: fileURLToPath(import.meta.resolve('openai')),
      sameInstrumentationClass: OpenAIInstrumentation === cjsPackage.OpenAIInstrumentation,
      sameFactory: getGenAIInstrumentations === cjsPackage.getGenAIInstrumentations,
      esmAndCjsOpenAIDistinct: OpenAI !== cjsOpenAI && OpenAI.Chat.Completions !== cjsOpenAI.Chat.Completions,
      createWrapped: isWrapped(OpenAI.Chat.Completions.prototype.create),
      cjsCreateWrapped: isWrapped(cjsOpenAI.Chat.Completions.prototype.create),
      calls,
    };
  });
});
