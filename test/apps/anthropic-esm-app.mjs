/*
 * An ES module app: `node --import ./anthropic-esm-preload.mjs anthropic-esm-app.mjs`. It imports
 * @anthropic-ai/sdk like any ESM app, so its spans prove the ESM loader hook patched the SDK's own ESM build
 * (index.mjs), a separate set of classes from the CommonJS build.
 *
 * Env: ANTHROPIC_BASE_URL_FOR_TEST; GENAI_APP_REGISTER (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped, preloaded, report, requiredEnv, runMain } = require('./telemetry.cjs');
const { SDK_MODULE, anthropicClass, makeAnthropicCalls, wrapState } = require('./anthropic-common.cjs');

runMain(async () => {
  const baseURL = requiredEnv('ANTHROPIC_BASE_URL_FOR_TEST');
  const app = preloaded('anthropic-esm-preload.mjs');
  const calls = await makeAnthropicCalls(Anthropic, baseURL);
  await report(app, 'esm', () => {
    const cjsAnthropic = anthropicClass(require(SDK_MODULE));
    return {
      sdkEntry: fileURLToPath(import.meta.resolve(SDK_MODULE)),
      esmAndCjsDistinct: Anthropic !== cjsAnthropic && Anthropic.Messages !== cjsAnthropic.Messages,
      ...wrapState(Anthropic),
      cjsCreateWrapped: isWrapped(cjsAnthropic.Messages.prototype.create),
      calls,
    };
  });
});
