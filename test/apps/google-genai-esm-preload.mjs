/*
 * The ESM app's `node --import` preload: register import-in-the-middle's loader hook, set up the SDK and
 * register the Google Gen AI instrumentation, all before the app's static imports (among them
 * `@google/genai`, whose ESM bundle dist/node/index.mjs is a separate copy of the SDK's classes) run.
 *
 * GENAI_APP_REGISTER=0 (negative control) sets up the SDK but registers neither hook nor instrumentation.
 * GENAI_APP_ESM_HOOK=0 registers the instrumentation but not the loader hook: the ESM bundle must then
 * stay unpatched.
 */
import { register, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { setupSdk } = require('./telemetry.cjs');
const { instrumentationClass } = require('./google-genai-calls.cjs');

const registerInstrumentation = process.env.GENAI_APP_REGISTER !== '0';
const sdk = setupSdk();

if (registerInstrumentation) {
  if (process.env.GENAI_APP_ESM_HOOK !== '0') {
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['@google/genai'] } });
  }
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const GoogleGenAIInstrumentation = instrumentationClass();
  registerInstrumentations({
    instrumentations: [new GoogleGenAIInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
  });
}

globalThis.__genaiTestSdk = { sdk, registered: registerInstrumentation };
