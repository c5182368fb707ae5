/*
 * An ES module app using groq-sdk, for `node --import opentelemetry-instrumentation-genai/register
 * groq-esm-app.mjs`: its spans prove the ESM loader hook patched the SDK's own ESM build (index.mjs), a
 * separate set of classes from the CommonJS build. Env: GROQ_BASE_URL_FOR_TEST.
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import Groq from 'groq-sdk';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { SDK_MODULE, groqClass, makeGroqCalls, report, requiredEnv, runMain, wrapState } = require('./groq-common.cjs');

runMain(async () => {
  const calls = await makeGroqCalls(Groq, requiredEnv('GROQ_BASE_URL_FOR_TEST'));
  const cjsGroq = groqClass(require(SDK_MODULE));
  report({
    app: 'esm',
    sdkEntry: fileURLToPath(import.meta.resolve(SDK_MODULE)),
    esmAndCjsDistinct: Groq !== cjsGroq && Groq.Chat.Completions !== cjsGroq.Chat.Completions,
    ...wrapState(Groq),
    calls,
  });
});
