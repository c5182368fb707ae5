/*
 * A CommonJS app that instruments @google/genai the way a user would: registerInstrumentations before the
 * first require('@google/genai'), so require-in-the-middle patches its CommonJS bundle (dist/node/index.cjs)
 * as it loads.
 *
 * Env: GEMINI_BASE_URL_FOR_TEST (the mock server), GENAI_APP_REGISTER=0 for the negative control.
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { setupSdk, isWrapped, printResult } = require('./telemetry.cjs');
const { instrumentationClass, makeGeminiCalls } = require('./google-genai-calls.cjs');

async function main() {
  const baseUrl = process.env.GEMINI_BASE_URL_FOR_TEST;
  if (!baseUrl) throw new Error('GEMINI_BASE_URL_FOR_TEST is not set');
  const register = process.env.GENAI_APP_REGISTER !== '0';
  const sdk = setupSdk();

  if (register) {
    const GoogleGenAIInstrumentation = instrumentationClass();
    registerInstrumentations({
      instrumentations: [new GoogleGenAIInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
  }

  const { GoogleGenAI } = require('@google/genai');
  const { client, calls } = await makeGeminiCalls(GoogleGenAI, baseUrl);
  const recorded = await sdk.collect();
  printResult({
    app: 'cjs',
    registered: register,
    sdkEntry: require.resolve('@google/genai'),
    methodWrapped: isWrapped(client.models.generateContent),
    calls,
    ...recorded,
  });
  await sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
