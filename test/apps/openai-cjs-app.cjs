/*
 * A CommonJS app that instruments openai the way a user would: registerInstrumentations before the
 * first require('openai'), so require-in-the-middle patches the real module as it loads.
 *
 * Env: OPENAI_BASE_URL_FOR_TEST (the mock server); GENAI_APP_REGISTER (see telemetry.cjs).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { isWrapped, report, requiredEnv, runMain, startApp } = require('./telemetry.cjs');
const { instrumentations, makeOpenAICalls } = require('./openai-common.cjs');

runMain(async () => {
  const baseURL = requiredEnv('OPENAI_BASE_URL_FOR_TEST');
  const app = startApp(instrumentations);
  const OpenAI = require('openai');
  const calls = await makeOpenAICalls(OpenAI, baseURL);
  await report(app, 'cjs', () => ({
    packageEntry: require.resolve('opentelemetry-instrumentation-genai'),
    openaiEntry: require.resolve('openai'),
    createWrapped: isWrapped(OpenAI.Chat.Completions.prototype.create),
    calls,
  }));
});
