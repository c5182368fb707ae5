/*
 * A CommonJS app that instruments @google/genai the way a user would: registerInstrumentations before the
 * first require('@google/genai'), so require-in-the-middle patches its CommonJS bundle (dist/node/index.cjs)
 * as it loads.
 *
 * Env: GEMINI_BASE_URL_FOR_TEST (the mock server); GENAI_APP_REGISTER (see telemetry.cjs).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { isWrapped, report, requiredEnv, runMain, startApp } = require('./telemetry.cjs');
const { SDK_MODULE, instrumentations, makeGeminiCalls } = require('./google-genai-common.cjs');

runMain(async () => {
  const baseUrl = requiredEnv('GEMINI_BASE_URL_FOR_TEST');
  const app = startApp(instrumentations);
  const { GoogleGenAI } = require(SDK_MODULE);
  const { client, calls } = await makeGeminiCalls(GoogleGenAI, baseUrl);
  await report(app, 'cjs', () => ({ sdkEntry: require.resolve(SDK_MODULE), methodWrapped: isWrapped(client.models.generateContent), calls }));
});
