// A minimal ES module app with no telemetry code of its own. Start it with the zero-code hook:
//   node --import opentelemetry-instrumentation-genai/register examples/esm-register/app.mjs
// The hook starts the OpenTelemetry SDK before this file loads, so `import OpenAI from 'openai'` is patched.
import OpenAI from 'openai';
import { startMockLLM } from '../mock-llm/server.mjs';

const mock = await startMockLLM(); // the bundled OpenAI-compatible mock, on loopback
const client = new OpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL });

try {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello to OpenTelemetry.' }],
  });
  console.log(completion.choices[0].message.content);
} finally {
  await mock.close(); // nothing left to wait for: the process exits and the hook flushes the telemetry
}
