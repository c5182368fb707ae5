/*
 * The calls the Vercel AI SDK apps make (vercel-ai-esm-app.mjs, vercel-ai-cjs-app.cjs and the esbuild
 * bundle of the ESM app), the same for `ai` 5, 6 and 7: a tool loop with generateText, a streamText, a
 * generateObject, and an agent's tool loop (ToolLoopAgent; `ai` 5's Experimental_Agent). The AI SDK is
 * passed in, so each app loads it its own way. Prints the result line (./app-result.cjs) with the
 * version of the `ai` that resolves from here (none in a bundle).
 */
import { createRequire } from 'node:module';
import { reportResult, requiredEnv } from './app-result.cjs';

function aiVersion() {
  try {
    return createRequire(import.meta.url)('ai/package.json').version;
  } catch {
    return undefined;
  }
}

export async function makeCalls(ai, { createOpenAI, z }, app) {
  const baseURL = requiredEnv('OPENAI_BASE_URL_FOR_TEST');
  // generateObject is deprecated in ai 7: its warning would only add noise.
  globalThis.AI_SDK_LOG_WARNINGS = false;
  const openai = createOpenAI({ apiKey: 'test-key', baseURL });
  const weather = ai.tool({
    description: 'Current weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  });
  const loop = await ai.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: ai.stepCountIs(3), maxRetries: 0 });
  const stream = ai.streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'Say hi', maxRetries: 0 });
  let streamed = '';
  for await (const piece of stream.textStream) streamed += piece;
  const { object } = await ai.generateObject({ model: openai.chat('gpt-4o-mini'), schema: z.object({ ok: z.boolean() }), prompt: 'OK?', maxRetries: 0 });
  const Agent = ai.ToolLoopAgent ?? ai.Experimental_Agent;
  const agent = new Agent({
    model: openai.chat('gpt-4o-mini'),
    tools: { weather },
    stopWhen: ai.stepCountIs(3),
    maxRetries: 0,
    experimental_telemetry: { functionId: 'weather-agent' },
  });
  const agentResult = await agent.generate({ prompt: 'Weather in Oslo?' });
  const calls = { loop: loop.text, steps: loop.steps.length, streamed, object, agent: agentResult.text };
  // What the app's `ai` looks like (instrumented exports under the hook must look like the real ones).
  const exportsKind = [Object.prototype.toString.call(ai), ai.__esModule === true];
  reportResult({ app, aiVersion: aiVersion(), exportsKind, calls });
}
