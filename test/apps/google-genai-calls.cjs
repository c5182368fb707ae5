/*
 * Shared by the @google/genai module-system apps: the instrumentation class (from the package's public
 * entry once it exports it, else from the built provider module), and the calls each app makes against
 * the test's loopback Gemini mock server with the GoogleGenAI class it imported.
 */
'use strict';
const path = require('node:path');

/** GoogleGenAIInstrumentation from the BUILT package (dist/cjs). */
function instrumentationClass() {
  const genai = require('opentelemetry-instrumentation-genai');
  return (
    genai.GoogleGenAIInstrumentation ??
    require(path.join(__dirname, '..', '..', 'dist', 'cjs', 'providers', 'google-genai', 'instrumentation.js')).GoogleGenAIInstrumentation
  );
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

module.exports = { instrumentationClass, makeGeminiCalls };
