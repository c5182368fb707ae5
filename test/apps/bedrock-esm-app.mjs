/*
 * An ES module app: `node --import ./bedrock-esm-preload.mjs bedrock-esm-app.mjs`. It imports the SDK like
 * any ESM app. The SDK has no "exports" map, so Node loads its CommonJS build (dist-cjs/index.js) for
 * `import` too: one module, one BedrockRuntimeClient class, whichever way it is loaded.
 *
 * Env: BEDROCK_ENDPOINT_FOR_TEST; GENAI_APP_REGISTER=0 / GENAI_APP_ESM_HOOK=0 (read by the preload).
 * Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import * as bedrock from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { isWrapped } = require('@opentelemetry/instrumentation');
const { printResult } = require('./telemetry.cjs');
const { makeBedrockCalls } = require('./bedrock-common.cjs');

async function main() {
  const endpoint = process.env.BEDROCK_ENDPOINT_FOR_TEST;
  if (!endpoint) throw new Error('BEDROCK_ENDPOINT_FOR_TEST is not set');
  const state = globalThis.__genaiTestSdk;
  if (!state) throw new Error('run with --import ./bedrock-esm-preload.mjs');

  const calls = await makeBedrockCalls(bedrock, endpoint);
  const recorded = await state.sdk.collect();
  // Read before the require() below: that would let the require hook patch the (shared) module late.
  const sendWrapped = isWrapped(BedrockRuntimeClient.prototype.send);
  const cjs = require('@aws-sdk/client-bedrock-runtime');
  printResult({
    app: 'esm',
    registered: state.registered,
    instrumentationFrom: state.from,
    sdkEntry: fileURLToPath(import.meta.resolve('@aws-sdk/client-bedrock-runtime')),
    sameClassAsRequire: BedrockRuntimeClient === cjs.BedrockRuntimeClient,
    sendWrapped,
    calls,
    ...recorded,
  });
  await state.sdk.shutdown();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
