/*
 * An ES module app: `node --import ./bedrock-esm-preload.mjs bedrock-esm-app.mjs`. It imports the SDK like
 * any ESM app. The SDK has no "exports" map, so Node loads its CommonJS build (dist-cjs/index.js) for
 * `import` too: one module, one BedrockRuntimeClient class, whichever way it is loaded.
 *
 * Env: BEDROCK_ENDPOINT_FOR_TEST; GENAI_APP_REGISTER / GENAI_APP_ESM_HOOK (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import * as bedrock from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped, preloaded, report, requiredEnv, runMain } = require('./telemetry.cjs');
const { SDK_MODULE, makeBedrockCalls } = require('./bedrock-common.cjs');

runMain(async () => {
  const endpoint = requiredEnv('BEDROCK_ENDPOINT_FOR_TEST');
  const app = preloaded('bedrock-esm-preload.mjs');
  const calls = await makeBedrockCalls(bedrock, endpoint);
  await report(app, 'esm', () => {
    // Read before the require() below: that would let the require hook patch the (shared) module late.
    const sendWrapped = isWrapped(BedrockRuntimeClient.prototype.send);
    const cjs = require(SDK_MODULE);
    return {
      sdkEntry: fileURLToPath(import.meta.resolve(SDK_MODULE)),
      sameClassAsRequire: BedrockRuntimeClient === cjs.BedrockRuntimeClient,
      sendWrapped,
      calls,
    };
  });
});
