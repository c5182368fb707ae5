/*
 * The ESM app's `node --import` preload, as a user would write it: register import-in-the-middle's
 * loader hook, set up the SDK and register the instrumentations, all before the app's static imports
 * (among them `openai`) are evaluated.
 *
 * GENAI_APP_REGISTER=0 (negative control) sets up the SDK but registers neither hook nor instrumentation.
 * GENAI_APP_ESM_HOOK=0 registers the instrumentations but not the loader hook: the ESM build of openai
 * must then stay unpatched, which shows it is the loader hook that patches it.
 */
import { register } from 'node:module';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { setupSdk } = require('./telemetry.cjs');

const registerInstrumentation = process.env.GENAI_APP_REGISTER !== '0';
const sdk = setupSdk();

if (registerInstrumentation) {
  // As in the OpenTelemetry docs (`register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'))`),
  // resolved from this file rather than the working directory.
  if (process.env.GENAI_APP_ESM_HOOK !== '0') register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { getGenAIInstrumentations } = await import('opentelemetry-instrumentation-genai');
  registerInstrumentations({
    instrumentations: getGenAIInstrumentations({ captureMessageContent: 'SPAN_ONLY' }),
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
  });
}

globalThis.__genaiTestSdk = { sdk, registered: registerInstrumentation };
