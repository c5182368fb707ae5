/*
 * An ES module app: `node --import ./anthropic-esm-preload.mjs anthropic-esm-app.mjs`. It imports
 * @anthropic-ai/sdk like any ESM app, so its spans prove the ESM loader hook patched the SDK's own ESM build
 * (index.mjs), a separate set of classes from the CommonJS build.
 *
 * Env: ANTHROPIC_BASE_URL_FOR_TEST; GENAI_APP_REGISTER=0 for the negative control (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped, printResult } = require('./telemetry.cjs');
const { makeAnthropicCalls } = require('./anthropic-common.cjs');

async function main() {
  const baseURL = process.env.ANTHROPIC_BASE_URL_FOR_TEST;
  if (!baseURL) throw new Error('ANTHROPIC_BASE_URL_FOR_TEST is not set');
  const state = globalThis.__genaiAnthropicTestSdk;
  if (!state) throw new Error('run with --import ./anthropic-esm-preload.mjs');

  const calls = await makeAnthropicCalls(Anthropic, baseURL);
  const recorded = await state.sdk.collect();
  const cjsModule = require('@anthropic-ai/sdk');
  const cjsAnthropic = cjsModule.Anthropic ?? cjsModule;
  printResult({
    app: 'esm',
    registered: state.registered,
    instrumentationSource: state.source,
    sdkEntry: fileURLToPath(import.meta.resolve('@anthropic-ai/sdk')),
    esmAndCjsDistinct: Anthropic !== cjsAnthropic && Anthropic.Messages !== cjsAnthropic.Messages,
    createWrapped: isWrapped(Anthropic.Messages.prototype.create),
    betaCreateWrapped: isWrapped(Anthropic.Beta.Messages.prototype.create),
    cjsCreateWrapped: isWrapped(cjsAnthropic.Messages.prototype.create),
    calls,
    ...recorded,
  });
  await state.sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
