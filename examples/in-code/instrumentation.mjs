// The in-code start, as in the README: start your app with
//   node --import ./instrumentation.mjs app.mjs
// A NodeSDK of your own, with the GenAI instrumentations and the durable export (traces and the GenAI
// events are spooled to disk before they are sent, and kept there until the collector accepts them),
// flushed when the process ends.
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createDurableExport, flushOnExit, getGenAIInstrumentations } from 'opentelemetry-instrumentation-genai';

// ES module apps: let the instrumentations see `import OpenAI from 'openai'` (import-in-the-middle),
// limited to the SDKs this package instruments.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: {
    include: [
      'openai', '@anthropic-ai/sdk', '@google/genai', '@aws-sdk/client-bedrock-runtime', 'groq-sdk', 'ai',
      // LangChain.js: the files inside @langchain/core that are patched (loaded by relative imports)
      /\/node_modules\/@langchain\/core\/dist\/(callbacks\/manager|tools\/index)\.js$/,
    ],
  },
});

const durable = createDurableExport(); // OTEL_EXPORTER_OTLP_* and OTEL_INSTRUMENTATION_GENAI_SPOOL_* apply
const sdk = new NodeSDK({
  instrumentations: [getGenAIInstrumentations({ captureMessageContent: 'SPAN_ONLY' })],
  spanProcessors: [durable.spanProcessor],
  logRecordProcessors: [durable.logRecordProcessor],
});
sdk.start();
flushOnExit(sdk, { durableExport: durable }); // at a normal end, SIGTERM and SIGINT; bounded
