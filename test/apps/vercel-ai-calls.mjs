/*
 * The calls the Vercel AI SDK apps make (vercel-ai-esm-app.mjs, vercel-ai-cjs-app.cjs and the esbuild
 * bundle of the ESM app): a tool loop with generateText, then a streamText. The AI SDK is passed in, so
 * each app loads it its own way. Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
export async function makeCalls({ generateText, streamText, tool, stepCountIs, createOpenAI, z }, app) {
  const baseURL = process.env.OPENAI_BASE_URL_FOR_TEST;
  if (!baseURL) throw new Error('OPENAI_BASE_URL_FOR_TEST is not set');
  const openai = createOpenAI({ apiKey: 'test-key', baseURL });
  const weather = tool({
    description: 'Current weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  });
  const loop = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3), maxRetries: 0 });
  const stream = streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'Say hi', maxRetries: 0 });
  let streamed = '';
  for await (const piece of stream.textStream) streamed += piece;
  process.stdout.write(`GENAI_APP_RESULT ${JSON.stringify({ app, calls: { loop: loop.text, steps: loop.steps.length, streamed } })}\n`);
}
