/*
 * Shared by the openai module-system apps (openai-cjs-app.cjs, openai-esm-preload.mjs with
 * openai-esm-app.mjs): what they register (every instrumentation of the package, through
 * getGenAIInstrumentations) and the calls they make.
 */
'use strict';

/** The BUILT package's instrumentations (the package.json "exports" self-reference: dist/cjs). */
function instrumentations() {
  return require('opentelemetry-instrumentation-genai').getGenAIInstrumentations({ captureMessageContent: 'SPAN_ONLY' });
}

/** One chat call and one streamed chat call, with the client class the app imported. */
async function makeOpenAICalls(OpenAI, baseURL) {
  const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const chat = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
    temperature: 0.5,
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  return { chatText: chat.choices[0].message.content, streamedText: streamed };
}

module.exports = { instrumentations, makeOpenAICalls };
