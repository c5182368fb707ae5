/*
 * A CommonJS app that instruments @aws-sdk/client-bedrock-runtime the way a user would: register the
 * instrumentation before the first require of the SDK, so require-in-the-middle patches the real module.
 *
 * Env: BEDROCK_ENDPOINT_FOR_TEST (the mock server); GENAI_APP_REGISTER (see telemetry.cjs).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { isWrapped, report, requiredEnv, runMain, startApp } = require('./telemetry.cjs');
const { SDK_MODULE, instrumentations, makeBedrockCalls } = require('./bedrock-common.cjs');

runMain(async () => {
  const endpoint = requiredEnv('BEDROCK_ENDPOINT_FOR_TEST');
  const app = startApp(instrumentations);
  const bedrock = require(SDK_MODULE);
  const calls = await makeBedrockCalls(bedrock, endpoint);
  await report(app, 'cjs', () => ({
    sdkEntry: require.resolve(SDK_MODULE),
    sendWrapped: isWrapped(bedrock.BedrockRuntimeClient.prototype.send),
    calls,
  }));
});
