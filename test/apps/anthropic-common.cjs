/*
 * Shared by the Anthropic module-system apps (anthropic-cjs-app.cjs, anthropic-esm-preload.mjs with
 * anthropic-esm-app.mjs): what they register and the calls they make.
 */
'use strict';
const { isWrapped } = require('./telemetry.cjs');

const SDK_MODULE = '@anthropic-ai/sdk';

/** The BUILT package's AnthropicInstrumentation (the package.json "exports" self-reference: dist/cjs). */
function instrumentations() {
  const { AnthropicInstrumentation } = require('opentelemetry-instrumentation-genai');
  return [new AnthropicInstrumentation({ captureMessageContent: 'SPAN_ONLY' })];
}

/** The client class of an `@anthropic-ai/sdk` module (CommonJS: the module itself, or its `Anthropic`). */
const anthropicClass = (sdkModule) => sdkModule.Anthropic ?? sdkModule;

/** Whether the instrumentation patched the messages methods of this client class. */
const wrapState = (Anthropic) => ({
  createWrapped: isWrapped(Anthropic.Messages.prototype.create),
  betaCreateWrapped: isWrapped(Anthropic.Beta.Messages.prototype.create),
});

/** One messages.create call, one `stream: true` call and one messages.stream() helper call, with the client class the app imported. */
async function makeAnthropicCalls(Anthropic, baseURL) {
  const client = new Anthropic({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const params = { model: 'claude-opus-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };
  const message = await client.messages.create({ ...params, temperature: 0.5 });
  const stream = await client.messages.create({ ...params, stream: true });
  let streamed = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') streamed += event.delta.text;
  }
  const helperText = await client.messages.stream(params).finalText();
  return { text: message.content[0].text, streamed, helperText };
}

module.exports = { SDK_MODULE, anthropicClass, instrumentations, makeAnthropicCalls, wrapState };
