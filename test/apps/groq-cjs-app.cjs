/*
 * A CommonJS app using groq-sdk, for `node -r opentelemetry-instrumentation-genai/register groq-cjs-app.cjs`
 * (require-in-the-middle patches the SDK as it loads). Env: GROQ_BASE_URL_FOR_TEST (the mock server).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { SDK_MODULE, groqClass, makeGroqCalls, report, requiredEnv, runMain, wrapState } = require('./groq-common.cjs');

runMain(async () => {
  const Groq = groqClass(require(SDK_MODULE));
  const calls = await makeGroqCalls(Groq, requiredEnv('GROQ_BASE_URL_FOR_TEST'));
  report({ app: 'cjs', sdkEntry: require.resolve(SDK_MODULE), ...wrapState(Groq), calls });
});
