/*
 * The Vercel AI SDK's generateObject and streamObject: wrapped exports in every major (`ai` 7 publishes
 * nothing for them on its channel; `ai` 5 and 6 in the version matrix). Each model call is one
 * `chat {model}` CLIENT span with the attributes of a generateText call, `gen_ai.output.type: json`, and
 * the structured output (the model's JSON text) as output content; the app gets the AI SDK's object and
 * errors unchanged. A call made inside another (a tool, a model middleware) nests under it: in `ai` 7 a
 * model call is left to the channel only when its own message starts inside the call.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, onlySpan, parsedAttributes } from '../helpers/spans';
import { MODEL, RESPONSE_MODEL, chatCompletion, textChoice, textStream, usage } from '../fixtures/chat';
import { apiError, json, sse } from '../mock-servers/openai-server';

const { z } = require('zod');

const { server, tel, ai, openai, baseAttributes } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
/** The `ai` major under test (7; 5 or 6 in the version matrix). */
const AI_MAJOR = Number(require('ai/package.json').version.split('.')[0]);

// The AI SDK's deprecation warnings for generateObject / streamObject (ai 7) would only add noise.
beforeAll(() => void ((globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false));
afterAll(() => void delete (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS);

const WEATHER = z.object({ city: z.string(), celsius: z.number() });
const WEATHER_JSON = '{"city":"Paris","celsius":21}';

describe('generateObject', () => {
  it('is one chat span with output type json and the JSON text as output content', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-o1', choices: [textChoice(WEATHER_JSON)], usage: usage(30, 9) })));

    const result = await ai().generateObject({ model: openai().chat(MODEL), schema: WEATHER, system: 'Answer in JSON.', prompt: 'Weather in Paris?', temperature: 0, maxRetries: 0 });

    expect(result.object).toEqual({ city: 'Paris', celsius: 21 });
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parsedAttributes(span)).toEqual({
      ...baseAttributes('chat'),
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0,
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': 'chatcmpl-o1',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 9,
      // @ai-sdk/openai 3 and 4 report 0 cached and reasoning tokens when the body has no details (2, of ai 5: none).
      ...(AI_MAJOR >= 6 && { 'gen_ai.usage.cache_read.input_tokens': 0, 'gen_ai.usage.reasoning.output_tokens': 0 }),
      'gen_ai.system_instructions': [{ type: 'text', content: 'Answer in JSON.' }],
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
      [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: WEATHER_JSON }], finish_reason: 'stop' }],
    });
  });

  it('records an API error on the span; the app gets the AI SDK error unchanged', async () => {
    server.enqueue(apiError(400, 'bad schema'));
    const error = await ai().generateObject({ model: openai().chat(MODEL), schema: WEATHER, prompt: 'Weather?', maxRetries: 0 }).catch((e: unknown) => e);

    expect((error as Error).message).toBe('bad schema');
    expect((error as Error).name).toBe('AI_APICallError');
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad schema' });
    expect(span.attributes['error.type']).toBe('APICallError');
    expect(span.attributes['gen_ai.output.type']).toBe('json');
  });

  if (AI_MAJOR >= 7) {
    it('ai 7: `telemetry: { isEnabled: false }` leaves the call unrecorded, as it turns the channel off for generateText', async () => {
      server.enqueue(json(chatCompletion({ id: 'chatcmpl-o3', choices: [textChoice(WEATHER_JSON)] })));
      const result = await ai().generateObject({ model: openai().chat(MODEL), schema: WEATHER, prompt: 'Weather?', maxRetries: 0, telemetry: { isEnabled: false } });

      expect(result.object).toEqual({ city: 'Paris', celsius: 21 });
      expect(tel.spans()).toEqual([]);
    });
  }
});

describe('streamObject', () => {
  it('is one streamed chat span with the JSON text assembled from the stream', async () => {
    server.enqueue(sse(textStream(['{"city":"Pa', 'ris","celsius":21}'], { id: 'chatcmpl-o2' })));

    const result = ai().streamObject({ model: openai().chat(MODEL), schema: WEATHER, prompt: 'Weather in Paris?', maxRetries: 0 });
    const partials: unknown[] = [];
    for await (const partial of result.partialObjectStream) partials.push(partial);
    expect(await result.object).toEqual({ city: 'Paris', celsius: 21 });
    expect(partials.at(-1)).toEqual({ city: 'Paris', celsius: 21 });

    const span = onlySpan(tel);
    const attrs = parsedAttributes(span, { takeTtfc: true });
    expect(attrs).toEqual({
      ...baseAttributes('chat'),
      'gen_ai.request.model': MODEL,
      'gen_ai.request.stream': true,
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': 'chatcmpl-o2',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
      [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: WEATHER_JSON }], finish_reason: 'stop' }],
    });
  });
});

describe('inside other calls', () => {
  it('a generateObject call in a tool is a chat span under the execute_tool span', async () => {
    server.enqueue(
      json(chatCompletion({ id: 'chatcmpl-l0', choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_o', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] } }], usage: usage(20, 8) })),
      json(chatCompletion({ id: 'chatcmpl-inner', choices: [textChoice(WEATHER_JSON)], usage: usage(10, 5) })),
      json(chatCompletion({ id: 'chatcmpl-l1', choices: [textChoice('21°C.')], usage: usage(40, 3) })),
    );
    const lookup = ai().tool({
      description: 'Weather as an object',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }: { city: string }) => (await ai().generateObject({ model: openai().chat(MODEL), schema: WEATHER, prompt: `Weather in ${city}?`, maxRetries: 0 })).object,
    });
    const result = await ai().generateText({ model: openai().chat(MODEL), prompt: 'Weather in Paris?', tools: { lookup }, stopWhen: ai().stepCountIs(3), maxRetries: 0 });

    expect(result.text).toBe('21°C.');
    const spans = tel.spans();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const inner = spans.find((s) => s.attributes['gen_ai.response.id'] === 'chatcmpl-inner')!;
    expect(byId.get(inner.parentSpanContext!.spanId)!.name).toBe('execute_tool lookup');
    expect(inner.attributes['gen_ai.output.type']).toBe('json');
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool lookup', 'invoke_agent']);
  });

  it('a generateObject call inside another model call (a model middleware) is its own chat span under it', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-guard', choices: [textChoice(WEATHER_JSON)] })), json(chatCompletion({ id: 'chatcmpl-outer', choices: [textChoice('Fine.')] })));
    const guarded = ai().wrapLanguageModel({
      model: openai().chat(MODEL),
      middleware: {
        wrapGenerate: async ({ doGenerate }: { doGenerate: () => Promise<unknown> }) => {
          await ai().generateObject({ model: openai().chat(MODEL), schema: WEATHER, prompt: 'Check', maxRetries: 0 });
          return doGenerate();
        },
      },
    });
    const result = await ai().generateText({ model: guarded, prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('Fine.');
    const spans = tel.spans();
    const outer = spans.find((s) => s.attributes['gen_ai.response.id'] === 'chatcmpl-outer')!;
    const inner = spans.find((s) => s.attributes['gen_ai.response.id'] === 'chatcmpl-guard')!;
    expect(spans).toHaveLength(2);
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.attributes['gen_ai.output.type']).toBe('json');
  });
});
