// A Vercel AI SDK (`ai` 7) tool loop with no telemetry code of its own. Start it with the zero-code hook:
//   node --import opentelemetry-instrumentation-genai/register examples/vercel-ai/app.mjs
// The AI SDK publishes its calls on its `ai:telemetry` diagnostics channel; the hook listens there, so the
// same works when a bundler (Next.js) inlines `ai`. Recorded: `invoke_agent` over the loop, a `chat` span
// per model call and an `execute_tool lookup_order` span for the tool the AI SDK runs.
import { generateText, stepCountIs, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { startMockLLM } from '../mock-llm/server.mjs';

const mock = await startMockLLM(); // the bundled OpenAI-compatible mock, on loopback
const openai = createOpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL });

const lookupOrder = tool({
  description: 'Look up an order by its number',
  inputSchema: z.object({ order_id: z.string() }),
  execute: async ({ order_id }) => ({ order_id, item: 'Cordless stick vacuum', status: 'delivered', delivered_on: '2026-11-28' }),
});

try {
  const result = await generateText({
    model: openai.chat('gpt-4o-mini'),
    system: 'You are a support assistant.',
    prompt: 'Where is my order #A1234?',
    tools: { lookup_order: lookupOrder },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { functionId: 'support-agent' }, // names the invoke_agent span
  });
  console.log(result.text);
} finally {
  await mock.close();
}
