/*
 * Models given by id string, resolved by the AI SDK through the app's global provider
 * (`globalThis.AI_SDK_DEFAULT_PROVIDER`): here the AI SDK's own customProvider over `@ai-sdk/openai`
 * pointed at the loopback mock. `ai` 7 publishes the resolved model's calls on its channel; `ai` 5 and 6
 * (the version matrix) get the same model object resolved by the instrumentation, behind the observing
 * Proxy: the same spans as with the model object. (Without a global provider the AI SDK's gateway
 * resolves the id: not recorded in 5 and 6, and not exercised here: it calls the Vercel AI Gateway.)
 */
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, onlySpan, parsedAttributes } from '../helpers/spans';
import { MODEL, RESPONSE_MODEL, chatCompletion, textChoice, toolCallChoice, usage } from '../fixtures/chat';
import { json } from '../mock-servers/openai-server';

const { z } = require('zod');

const { server, tel, ai, openai, baseAttributes } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
/** The `ai` major under test (7; 5 or 6 in the version matrix). */
const AI_MAJOR = Number(require('ai/package.json').version.split('.')[0]);
const EMBEDDING_MODEL = 'text-embedding-3-small';

type Global = { AI_SDK_DEFAULT_PROVIDER?: unknown; AI_SDK_LOG_WARNINGS?: boolean };

beforeEach(() => {
  (globalThis as Global).AI_SDK_DEFAULT_PROVIDER = ai().customProvider({
    languageModels: { fast: openai().chat(MODEL), precise: openai().chat('gpt-4.1') },
    // `ai` 5 names them textEmbeddingModels.
    [AI_MAJOR === 5 ? 'textEmbeddingModels' : 'embeddingModels']: { small: openai().embedding(EMBEDDING_MODEL) },
  });
});
afterEach(() => {
  delete (globalThis as Global).AI_SDK_DEFAULT_PROVIDER;
});

const reply = (id: string, text: string) => json(chatCompletion({ id, choices: [textChoice(text)], usage: usage(8, 2, { cached: 0, reasoning: 0 }) }));

it('generateText with a model id is the chat span of the model it resolves to', async () => {
  server.enqueue(reply('chatcmpl-id1', 'Hi!'));
  const result = await ai().generateText({ model: 'fast', prompt: 'Say hi', maxRetries: 0 });

  expect(result.text).toBe('Hi!');
  expect(parsedAttributes(onlySpan(tel))).toEqual({
    ...baseAttributes('chat'),
    'gen_ai.request.model': MODEL,
    'gen_ai.response.id': 'chatcmpl-id1',
    'gen_ai.response.model': RESPONSE_MODEL,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 8,
    'gen_ai.usage.output_tokens': 2,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Say hi' }] }],
    [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }], finish_reason: 'stop' }],
  });
});

it('a tool loop with a model id: the invoke_agent span names the resolved model; a step model given by id is recorded', async () => {
  server.enqueue(
    json(chatCompletion({ id: 'chatcmpl-id2', choices: [toolCallChoice([{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }])], usage: usage(20, 8) })),
    reply('chatcmpl-id3', '21°C.'),
  );
  const weather = ai().tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }: { city: string }) => ({ city, celsius: 21 }) });
  await ai().generateText({
    model: 'fast',
    prompt: 'Weather in Paris?',
    tools: { weather },
    stopWhen: ai().stepCountIs(3),
    maxRetries: 0,
    prepareStep: ({ stepNumber }: { stepNumber: number }) => (stepNumber === 1 ? { model: 'precise' } : undefined),
  });

  const spans = tel.spans();
  expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4.1', `chat ${MODEL}`, 'execute_tool weather', 'invoke_agent']);
  expect(spans.find((s) => s.name === 'invoke_agent')!.attributes).toEqual({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': MODEL,
  });
});

it('embed with a model id is the embeddings span of the model it resolves to', async () => {
  server.enqueue(json({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: EMBEDDING_MODEL, usage: { prompt_tokens: 3, total_tokens: 3 } }));
  const result = await ai().embed({ model: 'small', value: 'hello', maxRetries: 0 });

  expect(result.embedding).toEqual([0.1, 0.2]);
  expect(onlySpan(tel).attributes).toEqual({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': EMBEDDING_MODEL,
    'gen_ai.response.model': EMBEDDING_MODEL,
    'gen_ai.usage.input_tokens': 3,
    'gen_ai.embeddings.dimension.count': 2,
    // ai 5 and 6 (the wrapped doEmbed): the server comes from the model's base URL; ai 7 publishes none for embed.
    ...(AI_MAJOR < 7 && { 'server.address': '127.0.0.1', 'server.port': server.port }),
  });
});

it('generateObject with a model id (wrapped in every major) is recorded the same way', async () => {
  (globalThis as Global).AI_SDK_LOG_WARNINGS = false;
  server.enqueue(reply('chatcmpl-id4', '{"ok":true}'));
  try {
    const result = await ai().generateObject({ model: 'fast', schema: z.object({ ok: z.boolean() }), prompt: 'OK?', maxRetries: 0 });
    expect(result.object).toEqual({ ok: true });
  } finally {
    delete (globalThis as Global).AI_SDK_LOG_WARNINGS;
  }
  expect(onlySpan(tel).attributes).toMatchObject({ 'gen_ai.request.model': MODEL, 'gen_ai.output.type': 'json', 'gen_ai.response.id': 'chatcmpl-id4' });
});

it('an id the provider does not know: the app gets the AI SDK error, nothing is recorded', async () => {
  const error = await ai().generateText({ model: 'unknown', prompt: 'Hi', maxRetries: 0 }).catch((e: unknown) => e);

  expect((error as Error).name).toBe('AI_NoSuchModelError');
  expect(tel.spans()).toEqual([]);
  expect(server.requests).toHaveLength(0);
});
