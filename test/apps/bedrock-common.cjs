/*
 * Shared by the Bedrock module-system apps (bedrock-cjs-app.cjs, bedrock-esm-preload.mjs /
 * bedrock-esm-app.mjs): the instrumentation from this package's BUILT CommonJS output, and the calls.
 *
 * The package entry exports BedrockRuntimeInstrumentation once it is wired into src/index.ts; until then
 * the app takes it from the built provider file (dist/cjs/providers/bedrock/instrumentation.js), which is
 * the same code the entry will re-export.
 */
'use strict';
const path = require('node:path');

function loadBedrockInstrumentation() {
  const genai = require('opentelemetry-instrumentation-genai');
  if (genai.BedrockRuntimeInstrumentation) return { BedrockRuntimeInstrumentation: genai.BedrockRuntimeInstrumentation, from: 'package' };
  const file = path.join(__dirname, '..', '..', 'dist', 'cjs', 'providers', 'bedrock', 'instrumentation.js');
  return { BedrockRuntimeInstrumentation: require(file).BedrockRuntimeInstrumentation, from: 'dist-file' };
}

const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

/** One Converse, one ConverseStream and one aggregated-client converse() call, with the module the app loaded. */
async function makeBedrockCalls(bedrock, endpoint) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret' },
    maxAttempts: 1,
  };
  const client = new bedrock.BedrockRuntimeClient(config);
  const messages = [{ role: 'user', content: [{ text: 'hello' }] }];
  const chat = await client.send(new bedrock.ConverseCommand({ modelId: MODEL, messages, inferenceConfig: { temperature: 0.5 } }));
  const streamed = await client.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages }));
  let streamedText = '';
  for await (const event of streamed.stream) streamedText += event.contentBlockDelta?.delta?.text ?? '';
  const aggregated = await new bedrock.BedrockRuntime(config).converse({ modelId: MODEL, messages });
  return {
    chatText: chat.output.message.content[0].text,
    streamedText,
    aggregatedText: aggregated.output.message.content[0].text,
  };
}

module.exports = { loadBedrockInstrumentation, makeBedrockCalls, MODEL };
