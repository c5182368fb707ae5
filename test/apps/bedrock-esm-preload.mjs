/*
 * The Bedrock ESM app's `node --import` preload, as a user would write it: register import-in-the-middle's
 * loader hook (limited to the SDK, as the package's register hook does), set up the SDK and register the
 * instrumentation, all before the app's static imports are evaluated.
 *
 * GENAI_APP_REGISTER=0 (negative control) registers neither hook nor instrumentation.
 * GENAI_APP_ESM_HOOK=0 registers the instrumentation but not the loader hook.
 */
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { setupSdk } = require('./telemetry.cjs');
const { loadBedrockInstrumentation } = require('./bedrock-common.cjs');

const registerInstrumentation = process.env.GENAI_APP_REGISTER !== '0';
const sdk = setupSdk();
let from;

if (registerInstrumentation) {
  if (process.env.GENAI_APP_ESM_HOOK !== '0') {
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['@aws-sdk/client-bedrock-runtime'] } });
  }
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const loaded = loadBedrockInstrumentation();
  from = loaded.from;
  registerInstrumentations({
    instrumentations: [new loaded.BedrockRuntimeInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
  });
}

globalThis.__genaiTestSdk = { sdk, registered: registerInstrumentation, from };
