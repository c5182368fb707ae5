/*
 * An ES module app: `node --import ./google-genai-esm-preload.mjs google-genai-esm-app.mjs`. It imports
 * @google/genai like any ESM app, so the spans prove the ESM loader hook patched the SDK's ESM bundle
 * (dist/node/index.mjs). It then requires the CommonJS bundle too (as a CommonJS dependency would):
 * a separate Models class, patched by the require hook.
 *
 * Env: GEMINI_BASE_URL_FOR_TEST; GENAI_APP_REGISTER / GENAI_APP_ESM_HOOK (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import { GoogleGenAI, Models } from '@google/genai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped, printResult } = require('./telemetry.cjs');
const { makeGeminiCalls } = require('./google-genai-calls.cjs');

async function main() {
  const baseUrl = process.env.GEMINI_BASE_URL_FOR_TEST;
  if (!baseUrl) throw new Error('GEMINI_BASE_URL_FOR_TEST is not set');
  const state = globalThis.__genaiTestSdk;
  if (!state) throw new Error('run with --import ./google-genai-esm-preload.mjs');

  const { client, calls } = await makeGeminiCalls(GoogleGenAI, baseUrl);
  const recorded = await state.sdk.collect();

  const cjs = require('@google/genai');
  const cjsClient = new cjs.GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
  printResult({
    app: 'esm',
    registered: state.registered,
    sdkEntry: fileURLToPath(import.meta.resolve('@google/genai')),
    esmAndCjsModelsDistinct: Models !== cjs.Models,
    methodWrapped: isWrapped(client.models.generateContent),
    cjsMethodWrapped: isWrapped(cjsClient.models.generateContent),
    calls,
    ...recorded,
  });
  await state.sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
