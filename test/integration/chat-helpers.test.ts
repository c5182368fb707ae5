/*
 * SDK features built on chat.completions.create: `.withResponse()`, `.asResponse()`,
 * `chat.completions.parse`, the `chat.completions.stream` helper, `runTools` (under
 * `beta.chat.completions` in openai 4.x: reached through chatHelpers()), `withOptions()` clients, and
 * the app's active context. Each must behave exactly as without instrumentation, with one chat span
 * per HTTP call.
 */
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { FetchResponse, chatHelpers, hasWithOptions, itWhen } from '../helpers/sdk-compat';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import {
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  TOOL_DEFINITIONS,
  assistantTextOutput,
  attributesWithoutContent,
  attributesWithoutTiming,
  contentAttribute,
  onlySpan,
  toolCallPart,
  toolResponsePart,
  userTextMessage,
} from '../helpers/spans';
import { json, sse } from '../mock-servers/openai-server';
import { WEATHER_TOOL_DEFINITION } from '../fixtures/tool-definitions';
import { MODEL, RESPONSE_MODEL, baseChatAttributes, chatCompletion, textChoice, textStream, toolCallChoice, usage, userMessage } from '../fixtures/chat';

const { server, tel, client: newClient } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

/** Runs `fn` with the instrumentation unpatched (the baseline of what the app sees without it). */
async function uninstrumented<T>(fn: () => Promise<T>): Promise<T> {
  tel.instrumentation.disable();
  try {
    return await fn();
  } finally {
    tel.instrumentation.enable();
  }
}

const hello = () => ({ model: MODEL, messages: [userMessage('Say hello')] });

/** The attributes of a successful one-choice chat span built from chatCompletion() defaults. */
const completedAttributes = (id: string, extra: Record<string, unknown> = {}) => ({
  ...baseChatAttributes(server),
  'gen_ai.response.id': id,
  'gen_ai.response.model': RESPONSE_MODEL,
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 3,
  ...extra,
});

describe('APIPromise methods', () => {
  it('.withResponse() returns {data, response, request_id} with data identical to the uninstrumented result', async () => {
    const body = chatCompletion({ id: 'chatcmpl-wr' });
    server.enqueue(json(body), json(body));

    const instrumented = await newClient().chat.completions.create(hello()).withResponse();
    const plain = await uninstrumented(() => newClient().chat.completions.create(hello()).withResponse());

    expect(instrumented.data).toEqual(body);
    expect(instrumented.data).toEqual(plain.data);
    expect((instrumented.data as { _request_id?: string | null })._request_id).toBe(instrumented.request_id);
    expect(instrumented.request_id).toMatch(/^req_mock_\d+$/);
    // The platform's Response from openai 5.x; node-fetch's on 4.x (see test/helpers/sdk-compat.ts).
    expect(instrumented.response).toBeInstanceOf(FetchResponse);
    expect(instrumented.response.status).toBe(200);
    expect(instrumented.response.headers.get('x-request-id')).toBe(instrumented.request_id);

    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual(completedAttributes('chatcmpl-wr'));
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Hello there!')]);
  });

  it('.asResponse() returns a Response whose body is still readable, and the span ends', async () => {
    const body = chatCompletion({ id: 'chatcmpl-ar' });
    server.enqueue(json(body));

    const response = await newClient().chat.completions.create(hello()).asResponse();

    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual(body);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    // The body was never parsed by the SDK, so only the request side is known.
    expect(attributesWithoutContent(span)).toEqual(baseChatAttributes(server));
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([userTextMessage('Say hello')]);
  });

  it('.asResponse() on a streamed request leaves the SSE body to the app and ends the span', async () => {
    const served = textStream(['raw']);
    server.enqueue(sse(served));

    const response = await newClient().chat.completions.create({ ...hello(), stream: true }).asResponse();
    const text = await response.text();

    expect(text).toBe(served.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n');
    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual({ ...baseChatAttributes(server), 'gen_ai.request.stream': true });
  });

  it('awaiting the same APIPromise twice records one span', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-twice' })));
    const promise = newClient().chat.completions.create(hello());
    const [a, b] = await Promise.all([promise, promise]);
    expect(a).toBe(b);
    await promise.withResponse();
    expect(onlySpan(tel).attributes['gen_ai.response.id']).toBe('chatcmpl-twice');
  });
});

describe('chat.completions.parse', () => {
  const responseFormat = {
    type: 'json_schema' as const,
    json_schema: {
      name: 'weather',
      strict: true,
      schema: {
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
        required: ['city', 'celsius'],
        additionalProperties: false,
      },
    },
  };

  it('returns the parsed message and records one chat span with output type json', async () => {
    const content = '{"city":"Paris","celsius":14}';
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-parse', choices: [textChoice(content)] })));

    const result = await chatHelpers(newClient()).parse({ ...hello(), response_format: responseFormat });

    expect(result.choices[0]!.message.parsed).toEqual({ city: 'Paris', celsius: 14 });
    expect(result.choices[0]!.message.content).toBe(content);
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(attributesWithoutContent(span)).toEqual(completedAttributes('chatcmpl-parse', { 'gen_ai.output.type': 'json' }));
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput(content)]);
  });

  it('returns the same parsed result as without instrumentation', async () => {
    const body = chatCompletion({ id: 'chatcmpl-parse2', choices: [textChoice('{"city":"Oslo","celsius":-3}')] });
    server.enqueue(json(body), json(body));

    const instrumented = await chatHelpers(newClient()).parse({ ...hello(), response_format: responseFormat });
    const plain = await uninstrumented(() => chatHelpers(newClient()).parse({ ...hello(), response_format: responseFormat }));

    expect(instrumented).toEqual(plain);
    expect(tel.spans()).toHaveLength(1);
  });
});

describe('chat.completions.stream helper', () => {
  it('fires its events, returns finalChatCompletion() and records one span', async () => {
    const served = textStream(['Hi', ' there', '!'], { id: 'chatcmpl-helper', streamUsage: usage(7, 3) });
    server.enqueue(sse(served));

    const runner = chatHelpers(newClient()).stream({ ...hello(), stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let chunks = 0;
    runner.on('content', (delta) => deltas.push(delta));
    runner.on('chunk', () => chunks++);
    const final = await runner.finalChatCompletion();

    expect(deltas).toEqual(['Hi', ' there', '!']);
    expect(chunks).toBe(served.length);
    expect(final.id).toBe('chatcmpl-helper');
    expect(final.choices[0]!.message.content).toBe('Hi there!');
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.usage).toEqual(usage(7, 3));

    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual(completedAttributes('chatcmpl-helper', { 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': 7 }));
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Hi there!')]);
  });

  it('produces the same final completion as without instrumentation', async () => {
    const served = textStream(['Same', ' result'], { id: 'chatcmpl-same' });
    server.enqueue(sse(served), sse(served));

    const instrumented = await chatHelpers(newClient()).stream(hello()).finalChatCompletion();
    const plain = await uninstrumented(() => chatHelpers(newClient()).stream(hello()).finalChatCompletion());

    expect(instrumented).toEqual(plain);
    expect(tel.spans()).toHaveLength(1);
  });

  it('abort() on the helper ends the span once, without an error status', async () => {
    server.enqueue(sse(textStream(Array.from({ length: 20 }, (_, i) => `p${i} `)), { delayMs: 15 }));

    const runner = chatHelpers(newClient()).stream(hello());
    await new Promise<void>((resolve) => runner.once('content', () => resolve()));
    runner.abort();
    await expect(runner.done()).rejects.toThrow(OpenAI.APIUserAbortError);

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('p0 ', 'error')]);
  });
});

describe('runTools', () => {
  const weatherCalls: string[] = [];
  const tools = () => [
    {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        parse: JSON.parse,
        function: (args: { city: string }) => {
          weatherCalls.push(args.city);
          return `rainy, 14C in ${args.city}`;
        },
      },
    },
  ];
  const firstTurn = () =>
    chatCompletion({ id: 'chatcmpl-turn1', choices: [toolCallChoice([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }])], usage: usage(50, 10) });
  const secondTurn = () => chatCompletion({ id: 'chatcmpl-turn2', choices: [textChoice('It is rainy in Paris.')], usage: usage(70, 6) });

  async function run() {
    const runner = chatHelpers(newClient()).runTools({ model: MODEL, messages: [userMessage('Weather in Paris?')], tools: tools() });
    const content = await runner.finalContent();
    return { content, messages: runner.messages };
  }

  it('makes two HTTP calls → two chat spans, each with its own turn', async () => {
    weatherCalls.length = 0;
    server.enqueue(json(firstTurn()), json(secondTurn()));

    const { content } = await run();

    expect(content).toBe('It is rainy in Paris.');
    expect(weatherCalls).toEqual(['Paris']);
    const spans = tel.spans();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    const [first, second] = spans;
    expect(attributesWithoutContent(first!)).toEqual(
      completedAttributes('chatcmpl-turn1', {
        'gen_ai.response.finish_reasons': ['tool_call'],
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 10,
      }),
    );
    expect(attributesWithoutContent(second!)).toEqual(
      completedAttributes('chatcmpl-turn2', { 'gen_ai.usage.input_tokens': 70, 'gen_ai.usage.output_tokens': 6 }),
    );
    const toolDefinition = WEATHER_TOOL_DEFINITION;
    expect(contentAttribute(first!, TOOL_DEFINITIONS)).toEqual([toolDefinition]);
    expect(contentAttribute(second!, TOOL_DEFINITIONS)).toEqual([toolDefinition]);
    expect(contentAttribute(first!, INPUT_MESSAGES)).toEqual([userTextMessage('Weather in Paris?')]);
    expect(contentAttribute(second!, INPUT_MESSAGES)).toEqual([
      userTextMessage('Weather in Paris?'),
      { role: 'assistant', parts: [toolCallPart('call_1', 'get_weather', { city: 'Paris' })] },
      { role: 'tool', parts: [toolResponsePart('call_1', 'rainy, 14C in Paris')] },
    ]);
    expect(contentAttribute(second!, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('It is rainy in Paris.')]);
  });

  it('gives the same result and sends the same requests as without instrumentation', async () => {
    server.enqueue(json(firstTurn()), json(secondTurn()));
    const before = server.requests.length;
    const instrumented = await run();
    const instrumentedRequests = server.requests.slice(before).map((r) => r.body);

    server.enqueue(json(firstTurn()), json(secondTurn()));
    const middle = server.requests.length;
    const plain = await uninstrumented(run);
    const plainRequests = server.requests.slice(middle).map((r) => r.body);

    expect(instrumented.content).toBe(plain.content);
    expect(instrumented.messages).toEqual(plain.messages);
    expect(instrumentedRequests).toHaveLength(2);
    expect(instrumentedRequests).toEqual(plainRequests);
    expect(tel.spans()).toHaveLength(2);
  });
});

describe('clients and context', () => {
  it('a span the app has active is the parent of the chat span', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-ctx' })));
    const tracer = tel.tracerProvider.getTracer('test-app');

    const parent = tracer.startSpan('handle-request');
    await context.with(trace.setSpan(context.active(), parent), () => newClient().chat.completions.create(hello()));
    parent.end();

    const [chat, app] = tel.allSpans();
    expect(app!.name).toBe('handle-request');
    expect(chat!.name).toBe(`chat ${MODEL}`);
    expect(chat!.spanContext().traceId).toBe(app!.spanContext().traceId);
    expect(chat!.parentSpanContext?.spanId).toBe(app!.spanContext().spanId);
  });

  it('a streamed call also nests under the active span, and stream consumption outside it does not matter', async () => {
    server.enqueue(sse(textStream(['nested'])));
    const tracer = tel.tracerProvider.getTracer('test-app');

    const stream = await tracer.startActiveSpan('handle-stream', async (parent) => {
      const s = await newClient().chat.completions.create({ ...hello(), stream: true });
      parent.end();
      return s;
    });
    for await (const _ of stream) {
      // consume outside the parent span's context
    }

    const app = tel.allSpans().find((s) => s.name === 'handle-stream')!;
    const chat = tel.allSpans().find((s) => s.name === `chat ${MODEL}`)!;
    expect(chat.parentSpanContext?.spanId).toBe(app.spanContext().spanId);
    expect(chat.spanContext().traceId).toBe(app.spanContext().traceId);
  });

  it('without an active span the chat span is a root span', async () => {
    server.enqueue(json(chatCompletion()));
    await newClient().chat.completions.create(hello());
    expect(onlySpan(tel).parentSpanContext).toBeUndefined();
  });

  // withOptions() exists from openai 5.x (see test/helpers/sdk-compat.ts).
  itWhen(hasWithOptions)('a withOptions() copy of the client is instrumented too', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-copy' })));
    await newClient().withOptions({ timeout: 5_000 }).chat.completions.create(hello());
    expect(attributesWithoutTiming(onlySpan(tel))).toEqual({
      ...completedAttributes('chatcmpl-copy'),
      [INPUT_MESSAGES]: JSON.stringify([userTextMessage('Say hello')]),
      [OUTPUT_MESSAGES]: JSON.stringify([assistantTextOutput('Hello there!')]),
    });
  });
});
