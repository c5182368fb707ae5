/*
 * Shared by the Anthropic module-system apps (anthropic-cjs-app.cjs, anthropic-esm-preload.mjs with
 * anthropic-esm-app.mjs): which AnthropicInstrumentation to register, and the calls the apps make.
 *
 * The instrumentation comes from the built package: its entry point (`opentelemetry-instrumentation-genai`,
 * through the package.json "exports" self-reference) once it exports AnthropicInstrumentation, else the
 * built module itself (dist/cjs/providers/anthropic/instrumentation.js). The ESM entry re-exports dist/cjs,
 * so both are the same class either way.
 */
'use strict';
const { join } = require('node:path');

function loadAnthropicInstrumentation() {
  const genai = require('opentelemetry-instrumentation-genai');
  if (typeof genai.AnthropicInstrumentation === 'function') return { AnthropicInstrumentation: genai.AnthropicInstrumentation, source: 'package' };
  const built = require(join(__dirname, '..', '..', 'dist', 'cjs', 'providers', 'anthropic', 'instrumentation.js'));
  return { AnthropicInstrumentation: built.AnthropicInstrumentation, source: 'dist' };
}

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

module.exports = { loadAnthropicInstrumentation, makeAnthropicCalls };
