/*
 * An app that starts a model call, never awaits it, and the call fails. Without instrumentation Node
 * reports the rejection as unhandled and ends the process (exit code 1, the error on stderr); with the
 * instrumentation registered the app must end exactly the same way, and the call must still have its span.
 *
 * Env: UNAWAITED_PROVIDER (openai | anthropic | google-genai | bedrock), UNAWAITED_BASE_URL (the test's
 * mock server, which answers the call with an error), GENAI_APP_REGISTER (see telemetry.cjs).
 * At exit it prints `SPANS <json>`: the status and error.type of every span this package recorded.
 */
'use strict';
const { requiredEnv, startApp } = require('./telemetry.cjs');

const provider = requiredEnv('UNAWAITED_PROVIDER');
const baseURL = requiredEnv('UNAWAITED_BASE_URL');
const app = startApp(() => require('opentelemetry-instrumentation-genai').getGenAIInstrumentations());

process.on('exit', () => {
  // This package's spans only (@anthropic-ai/sdk 1.x records spans of its own too).
  const spans = app.sdk
    .finishedSpans()
    .filter((s) => s.instrumentationScope.name.startsWith('opentelemetry-instrumentation-genai'))
    .map((s) => ({ status: s.status.code, errorType: s.attributes['error.type'] }));
  process.stdout.write(`SPANS ${JSON.stringify(spans)}\n`);
});

const CALLS = {
  openai() {
    const OpenAI = require('openai');
    const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
  },
  anthropic() {
    const Anthropic = require('@anthropic-ai/sdk');
    const client = new (Anthropic.Anthropic ?? Anthropic)({ apiKey: 'test-key', baseURL, maxRetries: 0 });
    client.messages.create({ model: 'claude-opus-5', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] });
  },
  'google-genai'() {
    const { GoogleGenAI } = require('@google/genai');
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: baseURL } });
    ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' });
  },
  bedrock() {
    const bedrock = require('@aws-sdk/client-bedrock-runtime');
    const client = new bedrock.BedrockRuntimeClient({
      endpoint: baseURL,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret' },
      maxAttempts: 1,
    });
    client.send(new bedrock.ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', messages: [{ role: 'user', content: [{ text: 'hello' }] }] }));
  },
};

CALLS[provider]();
// Keeps the process up long enough for the failure to arrive (the rejection ends it earlier).
setTimeout(() => process.stdout.write('no unhandled rejection\n'), 3000);
