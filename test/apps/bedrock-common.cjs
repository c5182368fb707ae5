/*
 * Shared by the Bedrock module-system apps (bedrock-cjs-app.cjs, bedrock-esm-preload.mjs with
 * bedrock-esm-app.mjs): what they register and the calls they make.
 */
'use strict';

const SDK_MODULE = '@aws-sdk/client-bedrock-runtime';
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

/**
 * The BUILT package's BedrockRuntimeInstrumentation (the package.json "exports" self-reference: dist/cjs).
 * BEDROCK_APP_AWS_SDK_INSTRUMENTATION=suppress|keep also registers the real
 * @opentelemetry/instrumentation-aws-sdk (which emits GenAI spans for Bedrock too), with our
 * `suppressAwsSdkSpans` set to true or false.
 */
function instrumentations() {
  const { BedrockRuntimeInstrumentation } = require('opentelemetry-instrumentation-genai');
  const withAwsSdk = process.env.BEDROCK_APP_AWS_SDK_INSTRUMENTATION;
  const ours = new BedrockRuntimeInstrumentation({ captureMessageContent: 'SPAN_ONLY', suppressAwsSdkSpans: withAwsSdk !== 'keep' });
  if (!withAwsSdk) return [ours];
  const { AwsInstrumentation } = require('@opentelemetry/instrumentation-aws-sdk');
  return [new AwsInstrumentation(), ours];
}

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

module.exports = { MODEL, SDK_MODULE, instrumentations, makeBedrockCalls };
