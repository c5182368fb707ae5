/*
 * A CommonJS app that instruments openai the way a user would: registerInstrumentations before the
 * first require('openai'), so require-in-the-middle patches the real module as it loads.
 *
 * Env: OPENAI_BASE_URL_FOR_TEST (the mock server), GENAI_APP_REGISTER=0 for the negative control.
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
// Self-reference through package.json "exports" (require condition): the built dist/cjs.
const genai = require('opentelemetry-instrumentation-genai');
const { setupSdk, makeCalls, isWrapped, printResult } = require('./telemetry.cjs');

async function main() {
  const baseURL = process.env.OPENAI_BASE_URL_FOR_TEST;
  if (!baseURL) throw new Error('OPENAI_BASE_URL_FOR_TEST is not set');
  const register = process.env.GENAI_APP_REGISTER !== '0';
  const sdk = setupSdk();

  if (register) {
    registerInstrumentations({
      instrumentations: genai.getGenAIInstrumentations({ captureMessageContent: 'SPAN_ONLY' }),
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
  }

  const OpenAI = require('openai');
  const calls = await makeCalls(OpenAI, baseURL);
  const recorded = await sdk.collect();
  printResult({
    app: 'cjs',
    registered: register,
    packageEntry: require.resolve('opentelemetry-instrumentation-genai'),
    openaiEntry: require.resolve('openai'),
    createWrapped: isWrapped(OpenAI.Chat.Completions.prototype.create),
    calls,
    ...recorded,
  });
  await sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
