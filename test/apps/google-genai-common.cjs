/*
 * Shared by the @google/genai module-system apps (google-genai-cjs-app.cjs, google-genai-esm-preload.mjs
 * with google-genai-esm-app.mjs): what they register and the calls they make against the test's loopback
 * Gemini mock server with the GoogleGenAI class they imported.
 */
'use strict';

const SDK_MODULE = '@google/genai';

/** The BUILT package's GoogleGenAIInstrumentation (the package.json "exports" self-reference: dist/cjs). */
function instrumentations() {
  const { GoogleGenAIInstrumentation } = require('opentelemetry-instrumentation-genai');
  return [new GoogleGenAIInstrumentation({ captureMessageContent: 'SPAN_ONLY' })];
}

/** One generateContent, one generateContentStream and one embedContent call. */
async function makeGeminiCalls(GoogleGenAI, baseUrl) {
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
  const generated = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello', config: { temperature: 0.5 } });
  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream please' });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.text ?? '';
  const embedded = await ai.models.embedContent({ model: 'text-embedding-004', contents: 'embed me' });
  return {
    client: ai,
    calls: { text: generated.text, streamedText: streamed, dimensions: embedded.embeddings?.[0]?.values?.length },
  };
}

module.exports = { SDK_MODULE, instrumentations, makeGeminiCalls };
