/*
 * A CommonJS app that instruments @anthropic-ai/sdk the way a user would: registerInstrumentations before
 * the first require('@anthropic-ai/sdk'), so require-in-the-middle patches the real module as it loads.
 * The SDK's own tracing is on (telemetry.cjs registers a global tracer provider), so the default
 * `sdkTelemetry: 'suppress'` policy is exercised too.
 *
 * Env: ANTHROPIC_BASE_URL_FOR_TEST (the mock server); GENAI_APP_REGISTER (see telemetry.cjs).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { report, requiredEnv, runMain, startApp } = require('./telemetry.cjs');
const { SDK_MODULE, anthropicClass, instrumentations, makeAnthropicCalls, wrapState } = require('./anthropic-common.cjs');

runMain(async () => {
  const baseURL = requiredEnv('ANTHROPIC_BASE_URL_FOR_TEST');
  const app = startApp(instrumentations);
  const Anthropic = anthropicClass(require(SDK_MODULE));
  const calls = await makeAnthropicCalls(Anthropic, baseURL);
  await report(app, 'cjs', () => ({ sdkEntry: require.resolve(SDK_MODULE), ...wrapState(Anthropic), calls }));
});
