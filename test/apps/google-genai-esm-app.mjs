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
const { isWrapped, preloaded, report, requiredEnv, runMain } = require('./telemetry.cjs');
const { SDK_MODULE, makeGeminiCalls } = require('./google-genai-common.cjs');

runMain(async () => {
  const baseUrl = requiredEnv('GEMINI_BASE_URL_FOR_TEST');
  const app = preloaded('google-genai-esm-preload.mjs');
  const { client, calls } = await makeGeminiCalls(GoogleGenAI, baseUrl);
  await report(app, 'esm', () => {
    const cjs = require(SDK_MODULE);
    const cjsClient = new cjs.GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
    return {
      sdkEntry: fileURLToPath(import.meta.resolve(SDK_MODULE)),
      esmAndCjsModelsDistinct: Models !== cjs.Models,
      methodWrapped: isWrapped(client.models.generateContent),
      cjsMethodWrapped: isWrapped(cjsClient.models.generateContent),
      calls,
    };
  });
});
