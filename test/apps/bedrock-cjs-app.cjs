/*
 * A CommonJS app that instruments @aws-sdk/client-bedrock-runtime the way a user would: register the
 * instrumentation before the first require of the SDK, so require-in-the-middle patches the real module.
 *
 * Env: BEDROCK_ENDPOINT_FOR_TEST (the mock server), GENAI_APP_REGISTER=0 for the negative control.
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { registerInstrumentations, isWrapped } = require('@opentelemetry/instrumentation');
const { setupSdk, printResult } = require('./telemetry.cjs');
const { loadBedrockInstrumentation, makeBedrockCalls } = require('./bedrock-common.cjs');

async function main() {
  const endpoint = process.env.BEDROCK_ENDPOINT_FOR_TEST;
  if (!endpoint) throw new Error('BEDROCK_ENDPOINT_FOR_TEST is not set');
  const register = process.env.GENAI_APP_REGISTER !== '0';
  const sdk = setupSdk();
  const { BedrockRuntimeInstrumentation, from } = loadBedrockInstrumentation();

  if (register) {
    registerInstrumentations({
      instrumentations: [new BedrockRuntimeInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
  }

  const bedrock = require('@aws-sdk/client-bedrock-runtime');
  const calls = await makeBedrockCalls(bedrock, endpoint);
  const recorded = await sdk.collect();
  printResult({
    app: 'cjs',
    registered: register,
    instrumentationFrom: from,
    sdkEntry: require.resolve('@aws-sdk/client-bedrock-runtime'),
    sendWrapped: isWrapped(bedrock.BedrockRuntimeClient.prototype.send),
    calls,
    ...recorded,
  });
  await sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
