/*
 * Shared by the Groq module-system apps (groq-cjs-app.cjs, groq-esm-app.mjs): the calls they make and the
 * one result line they print. The apps know nothing about telemetry: they are started with or without
 * `-r` / `--import opentelemetry-instrumentation-genai/register`, which exports to the test's OTLP receiver.
 */
'use strict';

const SDK_MODULE = 'groq-sdk';
const { reportResult: report, requiredEnv, runMain } = require('./app-result.cjs');

/** The client class of a `groq-sdk` module (CommonJS: the module itself, or its `Groq`). */
const groqClass = (sdkModule) => sdkModule.Groq ?? sdkModule;

/** Whether the resource methods of this client class are wrapped (shimmer's marker). */
const isWrapped = (fn) => typeof fn === 'function' && typeof fn.__original === 'function';
const wrapState = (Groq) => ({
  chatWrapped: isWrapped(Groq.Chat.Completions.prototype.create),
  embeddingsWrapped: isWrapped(Groq.Embeddings.prototype.create),
});

/** One chat call, one streamed chat call and one embeddings call, with the client class the app imported. */
async function makeGroqCalls(Groq, baseURL) {
  const client = new Groq({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const params = { model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hello' }] };
  const completion = await client.chat.completions.create({ ...params, temperature: 0.5 });
  let streamed = '';
  for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) streamed += chunk.choices[0]?.delta?.content ?? '';
  const embedding = await client.embeddings.create({ model: 'nomic-embed-text-v1_5', input: 'hello' });
  return { text: completion.choices[0].message.content, streamed, dimensions: embedding.data[0].embedding.length };
}

module.exports = { SDK_MODULE, groqClass, makeGroqCalls, report, requiredEnv, runMain, wrapState };
