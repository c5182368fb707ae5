/*
 * A CommonJS app that instruments @anthropic-ai/sdk the way a user would: registerInstrumentations before
 * the first require('@anthropic-ai/sdk'), so require-in-the-middle patches the real module as it loads.
 * The SDK's own tracing is on (telemetry.cjs registers a global tracer provider), so the default
 * `sdkTelemetry: 'suppress'` policy is exercised too.
 *
 * Env: ANTHROPIC_BASE_URL_FOR_TEST (the mock server), GENAI_APP_REGISTER=0 for the negative control.
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { setupSdk, isWrapped, printResult } = require('./telemetry.cjs');
const { loadAnthropicInstrumentation, makeAnthropicCalls } = require('./anthropic-common.cjs');

async function main() {
  const baseURL = process.env.ANTHROPIC_BASE_URL_FOR_TEST;
  if (!baseURL) throw new Error('ANTHROPIC_BASE_URL_FOR_TEST is not set');
  const register = process.env.GENAI_APP_REGISTER !== '0';
  const sdk = setupSdk();
  const { AnthropicInstrumentation, source } = loadAnthropicInstrumentation();

  if (register) {
    registerInstrumentations({
      instrumentations: [new AnthropicInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
  }

  const sdkModule = require('@anthropic-ai/sdk');
  const Anthropic = sdkModule.Anthropic ?? sdkModule;
  const calls = await makeAnthropicCalls(Anthropic, baseURL);
  const recorded = await sdk.collect();
  printResult({
    app: 'cjs',
    registered: register,
    instrumentationSource: source,
    sdkEntry: require.resolve('@anthropic-ai/sdk'),
    createWrapped: isWrapped(Anthropic.Messages.prototype.create),
    betaCreateWrapped: isWrapped(Anthropic.Beta.Messages.prototype.create),
    calls,
    ...recorded,
  });
  await sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
