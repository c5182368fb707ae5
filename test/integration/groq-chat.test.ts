/*
 * groq-sdk's chat.completions.create and embeddings.create: the real SDK over real HTTP against a
 * loopback server speaking Groq's wire format (its `/openai/v1` paths, `x_groq` fields, usage of a stream
 * in the final chunk's `x_groq.usage`), recorded by the GroqInstrumentation.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { captureRejection } from '../helpers/async';
import { groqClass, useGroqTestbed } from '../helpers/groq-testbed';
import {
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  TOOL_DEFINITIONS,
  assistantOutput,
  assistantTextOutput,
  attributesWithoutContent,
  contentAttribute,
  expectTtfc,
  onlyErrorSpan,
  onlySpan,
  parsedAttributes,
  textPart,
  toolCallPart,
  toolResponsePart,
  userTextMessage,
} from '../helpers/spans';
import { metricPoints } from '../helpers/telemetry';
import { GROQ_MODEL, groqChatCompletion, groqChunk, groqEmbeddings, groqTextStream, groqUsage } from '../fixtures/groq';
import { apiError, json, sse } from '../mock-servers/openai-server';

const { server, tel, client, baseAttributes } = useGroqTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

const chatAttributes = (extra: Record<string, unknown> = {}) => baseAttributes('chat', { 'gen_ai.request.model': GROQ_MODEL, ...extra });
const hello = { model: GROQ_MODEL, messages: [{ role: 'user' as const, content: 'Say hello' }] };

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('groq chat.completions.create, non-streamed', () => {
  it('records the request, the response and the content, and the app gets the body unchanged', async () => {
    const body = groqChatCompletion({ id: 'chatcmpl-groq-1', message: { role: 'assistant', content: 'Hello there!' }, usage: groqUsage(12, 3, 8) });
    server.enqueue(json(body));

    const result = await client().chat.completions.create({
      ...hello,
      messages: [{ role: 'system', content: 'Be brief.' }, ...hello.messages],
      max_completion_tokens: 64,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
    });

    expect(result).toEqual(body);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /openai/v1/chat/completions']);
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${GROQ_MODEL}`);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(parsedAttributes(span)).toEqual({
      ...chatAttributes(),
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.response.id': 'chatcmpl-groq-1',
      'gen_ai.response.model': GROQ_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 8,
      [INPUT_MESSAGES]: [
        { role: 'system', parts: [textPart('Be brief.')] },
        userTextMessage('Say hello'),
      ],
      [OUTPUT_MESSAGES]: [assistantTextOutput('Hello there!')],
    });
  });

  it('records tool definitions, a tool call answer, and a tool result sent back', async () => {
    server.enqueue(
      json(
        groqChatCompletion({
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_g1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          finishReason: 'tool_calls',
        }),
      ),
    );

    await client().chat.completions.create({
      model: GROQ_MODEL,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_g0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'call_g0', content: '18°C' },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
    });

    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual({
      ...chatAttributes(),
      'gen_ai.response.id': 'chatcmpl-groq-1',
      'gen_ai.response.model': GROQ_MODEL,
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      userTextMessage('Weather in Paris and Rome?'),
      { role: 'assistant', parts: [toolCallPart('call_g0', 'get_weather', { city: 'Rome' })] },
      { role: 'tool', parts: [toolResponsePart('call_g0', '18°C')] },
    ]);
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([
      { type: 'function', name: 'get_weather', description: 'Current weather in a city', parameters: WEATHER_TOOL.function.parameters },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantOutput([toolCallPart('call_g1', 'get_weather', { city: 'Paris' })], 'tool_call')]);
  });

  it("records a reasoning model's `reasoning` (reasoning_format: parsed) as a reasoning part", async () => {
    server.enqueue(json(groqChatCompletion({ message: { role: 'assistant', content: '4', reasoning: '2 plus 2 is 4.' } })));

    await client().chat.completions.create({ ...hello, reasoning_format: 'parsed' });

    expect(contentAttribute(onlySpan(tel), OUTPUT_MESSAGES)).toEqual([
      assistantOutput([{ type: 'reasoning', content: '2 plus 2 is 4.' }, textPart('4')], 'stop'),
    ]);
  });

  it.each([
    [400, 'BadRequestError'],
    [429, 'RateLimitError'],
  ])('HTTP %i: the app gets the SDK error class, the span ends with ERROR and error.type %s', async (status, errorType) => {
    server.enqueue(apiError(status, 'mock failure'));
    const Groq = groqClass() as unknown as Record<string, new (...args: never[]) => Error>;

    const error = await captureRejection(client().chat.completions.create(hello));

    expect(error.constructor).toBe(Groq[errorType]);
    // groq-sdk puts the whole error body in the message.
    expect(error.message).toBe(`${status} {"error":{"message":"mock failure","type":"invalid_request_error","param":null,"code":null}}`);
    const span = onlyErrorSpan(tel, error.message);
    expect(attributesWithoutContent(span)).toEqual({ ...chatAttributes(), 'error.type': errorType });
    const duration = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
    expect(duration.map((p) => p.attributes)).toEqual([{ ...chatAttributes(), 'error.type': errorType }]);
  });
});

describe('groq chat.completions.create, streamed', () => {
  const streamed = { ...hello, stream: true as const };

  it("records usage from the final chunk's x_groq.usage, the assembled output and TTFC; the app sees every chunk", async () => {
    const served = groqTextStream(['Hel', 'lo', ' world'], { id: 'chatcmpl-groq-s1', usage: groqUsage(18, 4) });
    server.enqueue(sse(served));

    const stream = await client().chat.completions.create({ ...streamed, temperature: 0.2 });
    const received = await collect(stream);

    expect(received).toEqual(served);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expectTtfc(span, 0.001);
    expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
      ...chatAttributes(),
      'gen_ai.request.stream': true,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.id': 'chatcmpl-groq-s1',
      'gen_ai.response.model': GROQ_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 18,
      'gen_ai.usage.output_tokens': 4,
      [INPUT_MESSAGES]: [userTextMessage('Say hello')],
      [OUTPUT_MESSAGES]: [assistantTextOutput('Hello world')],
    });
    const tokens = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum])).toEqual([
      ['input', 18],
      ['output', 4],
    ]);
  });

  it('assembles tool-call deltas and reasoning deltas', async () => {
    server.enqueue(
      sse([
        groqChunk({ role: 'assistant', reasoning: 'Need the ' }, { x_groq: { id: 'req_tools' } }),
        groqChunk({ reasoning: 'weather.' }),
        groqChunk({ tool_calls: [{ index: 0, id: 'call_s1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }),
        groqChunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
        groqChunk({}, { finishReason: 'tool_calls', x_groq: { id: 'req_tools', usage: groqUsage(40, 9) } }),
      ]),
    );

    await collect(await client().chat.completions.create({ ...streamed, tools: [WEATHER_TOOL] }));

    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual({
      ...chatAttributes(),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-groq-stream',
      'gen_ai.response.model': GROQ_MODEL,
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 9,
    });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      assistantOutput([{ type: 'reasoning', content: 'Need the weather.' }, toolCallPart('call_s1', 'get_weather', { city: 'Oslo' })], 'tool_call'),
    ]);
  });

  /** A long, slow stream, so the app can stop it while the server is still sending. */
  async function readSlowStreamUntil(n: number, stop: 'break' | 'abort') {
    server.enqueue(sse(groqTextStream(Array.from({ length: 20 }, (_, i) => `w${i} `)), { delayMs: 15 }));
    const stream = await client().chat.completions.create(streamed);
    let received = 0;
    for await (const _ of stream) {
      if (++received !== n) continue;
      if (stop === 'break') break;
      stream.controller.abort();
    }
    return { stream, received };
  }

  it('`break` ends the span once with the partial output, aborts the request and is not an error', async () => {
    const { stream, received } = await readSlowStreamUntil(3, 'break');

    expect(received).toBe(3);
    expect(stream.controller.signal.aborted).toBe(true);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    // Cut off before the final chunk: no usage, and the choice's finish reason is `error`.
    expect(attributesWithoutContent(span)).toEqual({
      ...chatAttributes(),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-groq-stream',
      'gen_ai.response.model': GROQ_MODEL,
      'gen_ai.response.finish_reasons': ['error'],
    });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 w1 ', 'error')]);
  });

  it('`stream.controller.abort()` mid-stream ends the iteration quietly and the span once, not as an error', async () => {
    const { received } = await readSlowStreamUntil(4, 'abort');

    expect(received).toBe(4);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).not.toHaveProperty(['error.type']);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 w1 w2 ', 'error')]);
  });
});

describe('the app gets what the SDK gives', () => {
  it('`.withResponse()` on the returned APIPromise gives the parsed body and the raw response; the call is recorded once', async () => {
    const body = groqChatCompletion({ id: 'chatcmpl-with-response', message: { role: 'assistant', content: 'ok' } });
    server.enqueue(json(body));

    const { data, response } = await client().chat.completions.create(hello).withResponse();

    expect(data).toEqual(body);
    expect(response.status).toBe(200);
    expect(onlySpan(tel).attributes['gen_ai.response.id']).toBe('chatcmpl-with-response');
  });

  it("a streamed call returns the SDK's Stream, with its controller and tee()", async () => {
    server.enqueue(sse(groqTextStream(['a', 'b'])));

    const stream = await client().chat.completions.create({ ...hello, stream: true });

    expect(stream.constructor.name).toBe('Stream');
    expect(stream.controller).toBeInstanceOf(AbortController);
    const [left, right] = stream.tee();
    expect((await collect(left)).length).toBe(4);
    expect((await collect(right)).length).toBe(4);
    expect(contentAttribute(onlySpan(tel), OUTPUT_MESSAGES)).toEqual([assistantTextOutput('ab')]);
  });
});

describe('groq embeddings.create', () => {
  it('records the model, the dimension count and the input tokens', async () => {
    const body = groqEmbeddings([[0.1, -0.2, 0.3, 0.4]], 6);
    server.enqueue(json(body));

    const result = await client().embeddings.create({ model: 'nomic-embed-text-v1_5', input: 'The quick brown fox', encoding_format: 'float' });

    expect(result).toEqual(body);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /openai/v1/embeddings']);
    const span = onlySpan(tel);
    expect(span.name).toBe('embeddings nomic-embed-text-v1_5');
    expect(span.attributes).toEqual(
      baseAttributes('embeddings', {
        'gen_ai.request.model': 'nomic-embed-text-v1_5',
        'gen_ai.request.encoding_formats': ['float'],
        'gen_ai.response.model': 'nomic-embed-text-v1_5',
        'gen_ai.embeddings.dimension.count': 4,
        'gen_ai.usage.input_tokens': 6,
      }),
    );
  });
});
