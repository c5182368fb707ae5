/*
 * The Anthropic ESM app's `node --import` preload, as a user would write it: register import-in-the-middle's
 * loader hook, set up the SDK and register the instrumentation, all before the app's static imports (among
 * them `@anthropic-ai/sdk`) are evaluated.
 *
 * GENAI_APP_REGISTER=0 (negative control) sets up the SDK but registers neither hook nor instrumentation.
 */
import { register, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { setupSdk } = require('./telemetry.cjs');
const { loadAnthropicInstrumentation } = require('./anthropic-common.cjs');

const registerInstrumentation = process.env.GENAI_APP_REGISTER !== '0';
const sdk = setupSdk();
const { AnthropicInstrumentation, source } = loadAnthropicInstrumentation();

if (registerInstrumentation) {
  // Limited to the SDK this app instruments, as the README advises for ESM preloads.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['@anthropic-ai/sdk'] } });
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  registerInstrumentations({
    instrumentations: [new AnthropicInstrumentation({ captureMessageContent: 'SPAN_ONLY' })],
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
  });
}

globalThis.__genaiAnthropicTestSdk = { sdk, registered: registerInstrumentation, source };
