/*
 * Chats and automatic function calling (AFC) through the real @google/genai SDK against the loopback
 * Gemini mock server. A chat's sendMessage/sendMessageStream are recorded through the models calls they
 * make. With AFC the SDK runs the app's CallableTools and asks the model again, several HTTP requests for
 * one user call: that is ONE span, whose input messages end with the function calls and their results
 * (the conversation the model saw last), whose output is the final answer, and whose usage is the sum of
 * the requests.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { CallableTool, FunctionCall, Part } from '@google/genai';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { metricPoints } from '../helpers/telemetry';
import { collect } from '../helpers/async';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS, attributesWithoutContent, contentAttribute, expectTtfc, onlySpan } from '../helpers/spans';
import { json, sse } from '../mock-servers/gemini-server';
import { MODEL, RESPONSE_MODEL, candidate, functionCall, response, text, textChunks, textResponse, usageMetadata } from '../fixtures/gemini';

const { server, tel, client, baseAttributes } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

const user = (t: string) => ({ role: 'user', parts: [{ type: 'text', content: t }] });
const assistant = (t: string) => ({ role: 'assistant', parts: [{ type: 'text', content: t }] });

const WEATHER_DECLARATION = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** A CallableTool the SDK calls itself; it records its calls and the span active while it runs. */
function weatherTool() {
  const calls: FunctionCall[] = [];
  const activeSpans: Array<string | undefined> = [];
  const tool: CallableTool = {
    tool: async () => ({ functionDeclarations: [WEATHER_DECLARATION] }),
    callTool: async (functionCalls: FunctionCall[]): Promise<Part[]> => {
      calls.push(...functionCalls);
      activeSpans.push(trace.getActiveSpan()?.spanContext().spanId);
      return functionCalls.map((fc) => ({ functionResponse: { id: fc.id, name: fc.name, response: { output: `rainy in ${String(fc.args?.city)}` } } }));
    },
  };
  return { tool, calls, activeSpans };
}

const AFC_TURNS = [
  { role: 'assistant', parts: [{ type: 'tool_call', id: 'fc-1', name: 'get_weather', arguments: { city: 'Paris' } }] },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'fc-1', response: { output: 'rainy in Paris' } }] },
];
const WEATHER_DEFINITION = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: WEATHER_DECLARATION.parametersJsonSchema,
};

describe('chats', () => {
  it('sendMessage: one span per message, the second carrying the chat history as input', async () => {
    server.enqueue(json(textResponse('Hi Ann!', { responseId: 'resp-c1' })), json(textResponse('Your name is Ann.', { responseId: 'resp-c2' })));
    const chat = client().chats.create({ model: MODEL, config: { systemInstruction: 'Be friendly.', temperature: 0.3 } });

    expect((await chat.sendMessage({ message: 'I am Ann' })).text).toBe('Hi Ann!');
    expect((await chat.sendMessage({ message: 'Who am I?' })).text).toBe('Your name is Ann.');

    const spans = tel.spans();
    expect(spans.map((s) => [s.name, s.attributes['gen_ai.response.id'], s.attributes['gen_ai.request.temperature']])).toEqual([
      [`generate_content ${MODEL}`, 'resp-c1', 0.3],
      [`generate_content ${MODEL}`, 'resp-c2', 0.3],
    ]);
    expect(contentAttribute(spans[1]!, INPUT_MESSAGES)).toEqual([user('I am Ann'), assistant('Hi Ann!'), user('Who am I?')]);
    expect(contentAttribute(spans[1]!, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be friendly.' }]);
    expect(contentAttribute(spans[1]!, OUTPUT_MESSAGES)).toEqual([{ ...assistant('Your name is Ann.'), finish_reason: 'stop' }]);
  });

  it('sendMessageStream: one streamed span; the chat history is updated as without instrumentation', async () => {
    server.enqueue(sse(textChunks(['Str', 'eamed'], { responseId: 'resp-cs' })));
    const chat = client().chats.create({ model: MODEL, history: [{ role: 'user', parts: [{ text: 'earlier' }] }, { role: 'model', parts: [{ text: 'ok' }] }] });
    const chunks = await collect(await chat.sendMessageStream({ message: 'now' }));
    expect(chunks.map((c) => c.text).join('')).toBe('Streamed');
    expect(chat.getHistory().map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'model']);

    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([user('earlier'), assistant('ok'), user('now')]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ ...assistant('Streamed'), finish_reason: 'stop' }]);
  });
});

describe('automatic function calling: one span per user call', () => {
  it('generateContent with a CallableTool: two model requests, one span with the function call and its result in the input', async () => {
    server.enqueue(
      json(response({ responseId: 'resp-afc-1', candidates: [candidate([functionCall('get_weather', { city: 'Paris' }, 'fc-1')])], usage: usageMetadata(30, 5, { thoughts: 4 }) })),
      json(response({ responseId: 'resp-afc-2', candidates: [candidate([text('It is rainy in Paris.')])], usage: usageMetadata(60, 7, { cached: 20 }) })),
    );
    const weather = weatherTool();

    const result = await client().models.generateContent({ model: MODEL, contents: 'Weather in Paris?', config: { tools: [weather.tool] } });

    expect(result.text).toBe('It is rainy in Paris.');
    expect(weather.calls).toEqual([{ id: 'fc-1', name: 'get_weather', args: { city: 'Paris' } }]);
    expect(server.requests.map((r) => r.action)).toEqual(['generateContent', 'generateContent']);
    expect(server.requests[1]!.body.contents).toHaveLength(3);

    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes('generate_content', MODEL),
      'gen_ai.response.id': 'resp-afc-2',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      // Both model requests: 30 + 60 in, (5 + 4) + 7 out.
      'gen_ai.usage.input_tokens': 90,
      'gen_ai.usage.output_tokens': 16,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 4,
    });
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([user('Weather in Paris?'), ...AFC_TURNS]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ ...assistant('It is rainy in Paris.'), finish_reason: 'stop' }]);
    // The CallableTool's declaration, as the SDK sent it.
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([WEATHER_DEFINITION]);
    // The tool ran inside the call: spans it starts are children of the GenAI span.
    expect(weather.activeSpans).toEqual([span.spanContext().spanId]);

    const tokens = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum, p.value.count])).toEqual([
      ['input', 90, 1],
      ['output', 16, 1],
    ]);
  });

  it('chats.sendMessage with a CallableTool: one span; the history gets the AFC turns as without instrumentation', async () => {
    server.enqueue(
      json(response({ responseId: 'resp-chat-afc-1', candidates: [candidate([functionCall('get_weather', { city: 'Paris' }, 'fc-1')])] })),
      json(response({ responseId: 'resp-chat-afc-2', candidates: [candidate([text('Rainy.')])] })),
    );
    const weather = weatherTool();
    const chat = client().chats.create({ model: MODEL, config: { tools: [weather.tool] }, history: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ text: 'hello' }] }] });
    expect((await chat.sendMessage({ message: 'Weather in Paris?' })).text).toBe('Rainy.');
    expect(chat.getHistory().map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user', 'model']);

    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.id']).toBe('resp-chat-afc-2');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(16);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([user('hi'), assistant('hello'), user('Weather in Paris?'), ...AFC_TURNS]);
  });

  it('generateContentStream with a CallableTool: one streamed span; the app sees every chunk, the SDK function-results chunk included', async () => {
    server.enqueue(
      sse([
        {
          candidates: [{ content: { role: 'model', parts: [functionCall('get_weather', { city: 'Paris' }, 'fc-1')] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: usageMetadata(30, 5),
          modelVersion: RESPONSE_MODEL,
          responseId: 'resp-safc-1',
        },
      ]),
      sse(textChunks(['Rainy ', 'today.'], { responseId: 'resp-safc-2', usage: usageMetadata(50, 3) })),
    );
    const weather = weatherTool();

    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'Weather in Paris?', config: { tools: [weather.tool] } });
    const chunks = await collect(stream);

    // Model chunk, the SDK's function-results chunk, two model chunks.
    expect(chunks.map((c) => c.candidates?.[0]?.content?.role)).toEqual(['model', 'user', 'model', 'model']);
    expect(server.requests.map((r) => r.action)).toEqual(['streamGenerateContent', 'streamGenerateContent']);
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes('generate_content', MODEL),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'resp-safc-2',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 80,
      'gen_ai.usage.output_tokens': 8,
    });
    expectTtfc(span);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([user('Weather in Paris?'), ...AFC_TURNS]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ ...assistant('Rainy today.'), finish_reason: 'stop' }]);
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([WEATHER_DEFINITION]);
    expect(weather.activeSpans).toEqual([span.spanContext().spanId]);

    // Chunk timing counts the model's chunks only.
    const metrics = await tel.metrics();
    const perChunk = metricPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk').reduce((n, p) => n + (p.value.count as number), 0);
    expect(perChunk).toBe(2);
  });

  it('AFC disabled: the function call goes back to the app; one span with finish reason tool_call', async () => {
    server.enqueue(json(response({ candidates: [candidate([functionCall('get_weather', { city: 'Rome' }, 'fc-9')])] })));
    const weather = weatherTool();
    const result = await client().models.generateContent({
      model: MODEL,
      contents: 'Weather in Rome?',
      config: { tools: [weather.tool], automaticFunctionCalling: { disable: true } },
    });
    expect(result.functionCalls).toEqual([{ id: 'fc-9', name: 'get_weather', args: { city: 'Rome' } }]);
    expect(weather.calls).toEqual([]);
    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([user('Weather in Rome?')]);
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([WEATHER_DEFINITION]);
  });
});
