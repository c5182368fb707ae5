/*
 * The Vercel AI SDK's generateText and embed (`ai` 7, recorded from its `ai:telemetry` channel; `ai` 5 and 6
 * in the version matrix, from their wrapped model calls): the real
 * `ai` and `@ai-sdk/openai` over real HTTP against the loopback OpenAI server. One model call is one
 * `chat {model}` CLIENT span with the request, response, usage and content; the app gets the AI SDK's
 * result and errors unchanged.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS, onlySpan, parsedAttributes } from '../helpers/spans';
import { metricPoints } from '../helpers/telemetry';
import { MODEL, RESPONSE_MODEL, chatCompletion, textChoice, usage } from '../fixtures/chat';
import { apiError, json } from '../mock-servers/openai-server';

const { server, tel, ai, openai, baseAttributes } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
const generateText = (options: object) => ai().generateText(options);
const embed = (options: object) => ai().embed(options);
const embedMany = (options: object) => ai().embedMany(options);
/** The `ai` major under test (7; 5 or 6 in the version matrix). */
const AI_MAJOR = Number(require('ai/package.json').version.split('.')[0]);

describe('generateText', () => {
  it('is one chat span with the request, the response, usage with cached and reasoning tokens, and the content', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-v1', choices: [textChoice('Hello there!')], usage: usage(12, 5, { cached: 4, reasoning: 2 }) })));

    const result = await generateText({
      model: openai().chat(MODEL),
      system: 'Be brief.',
      prompt: 'Say hello',
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 64,
      stopSequences: ['END'],
      seed: 7,
      maxRetries: 0,
    });

    expect(result.text).toBe('Hello there!');
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parsedAttributes(span)).toEqual({
      ...baseAttributes('chat'),
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.response.id': 'chatcmpl-v1',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.reasoning.output_tokens': 2,
      [SYSTEM_INSTRUCTIONS]: [{ type: 'text', content: 'Be brief.' }],
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }],
      [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello there!' }], finish_reason: 'stop' }],
    });
    const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
    expect(durations.map((p) => p.attributes)).toEqual([
      { ...baseAttributes('chat'), 'gen_ai.request.model': MODEL, 'gen_ai.response.model': RESPONSE_MODEL },
    ]);
  });

  it('records an API error on the span; the app gets the AI SDK error unchanged', async () => {
    server.enqueue(apiError(400, 'bad request'));
    const error = await generateText({ model: openai().chat(MODEL), prompt: 'Say hello', maxRetries: 0 }).catch((e: unknown) => e);

    expect((error as Error).message).toBe('bad request');
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad request' });
    expect((error as Error).name).toBe('AI_APICallError');
    expect(parsedAttributes(span)).toEqual({
      ...baseAttributes('chat'),
      'gen_ai.request.model': MODEL,
      'error.type': 'APICallError',
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }],
    });
  });
});

describe('embed and embedMany', () => {
  const embeddingsBody = (vectors: number[][]) => ({
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 6, total_tokens: 6 },
  });

  it('embed is one embeddings span', async () => {
    server.enqueue(json(embeddingsBody([[0.1, 0.2, 0.3]])));
    const result = await embed({ model: openai().embedding('text-embedding-3-small'), value: 'hello', maxRetries: 0 });

    expect(result.embedding).toEqual([0.1, 0.2, 0.3]);
    const span = onlySpan(tel);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 6,
      'gen_ai.embeddings.dimension.count': 3,
      // ai 5 and 6 (the wrapped doEmbed): the server comes from the model's base URL; ai 7 publishes none for embed.
      ...(AI_MAJOR < 7 && { 'server.address': '127.0.0.1', 'server.port': server.port }),
    });
  });

  it('embedMany is one embeddings span', async () => {
    server.enqueue(json(embeddingsBody([[0.1, 0.2], [0.3, 0.4]])));
    const result = await embedMany({ model: openai().embedding('text-embedding-3-small'), values: ['a', 'b'], maxRetries: 0 });

    expect(result.embeddings).toHaveLength(2);
    expect(onlySpan(tel).attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 6, 'gen_ai.embeddings.dimension.count': 2 });
  });
});
