/*
 * chat.completions.create with `stream: true`: the real openai SDK reading real SSE from the loopback mock
 * server. The instrumentation must leave the returned Stream untouched (class, controller, tee,
 * toReadableStream, break/abort behaviour) and end the span exactly once, whichever way the stream ends.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { Stream, abortStopsArrivedBody, consumedStreamThrowsOpenAIError } from '../helpers/sdk-compat';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { captureRejection, collect, sleep } from '../helpers/async';
import {
  ATTR_TTFC,
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  TOOL_DEFINITIONS,
  assistantOutput,
  assistantTextOutput,
  attributesWithoutContent,
  attributesWithoutTiming,
  contentAttribute,
  expectTtfc,
  onlyErrorSpan,
  onlySpan,
  spanSeconds,
  toolCallPart,
  userTextMessage,
} from '../helpers/spans';
import { apiError, sse, type MockReply } from '../mock-servers/openai-server';
import { DURATION_BUCKETS } from '../fixtures/metric-buckets';
import { MODEL, RESPONSE_MODEL, baseChatAttributes, baseMetricAttributes, chunk, deltaChoice, textStream, usage, userMessage } from '../fixtures/chat';

// A fresh pipeline per test: metrics are cumulative, and each test asserts its own counts.
const { server, tel, client: newClient } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

const streamParams = (extra: Partial<ChatCompletionCreateParamsStreaming> = {}): ChatCompletionCreateParamsStreaming => ({
  model: MODEL,
  messages: [userMessage('Tell me something')],
  stream: true,
  ...extra,
});

/** The attributes of a streamed chat span that got a response (the fixtures' response model), plus `extra`. */
const streamedAttributes = (id: string, finishReasons: string[], extra: Record<string, unknown> = {}) => ({
  ...baseChatAttributes(server),
  'gen_ai.request.stream': true,
  'gen_ai.response.id': id,
  'gen_ai.response.model': RESPONSE_MODEL,
  'gen_ai.response.finish_reasons': finishReasons,
  ...extra,
});

/** Counts of the two streaming histograms (summed over all data points). */
async function chunkMetricCounts() {
  const metrics = await tel.metrics();
  const count = (name: string) => metricPoints(metrics, name).reduce((n, p) => n + (p.value.count as number), 0);
  return {
    ttfc: count('gen_ai.client.operation.time_to_first_chunk'),
    perChunk: count('gen_ai.client.operation.time_per_output_chunk'),
  };
}

/** A long, slow stream, so the client can stop it while the server is still sending. */
function slowStream(pieces = 20, delayMs = 15): MockReply {
  return sse(textStream(Array.from({ length: pieces }, (_, i) => `w${i} `)), { delayMs });
}

/** Reads a slowStream() and, once `n` chunks arrived, stops: `break` leaves the loop, `abort` aborts the controller and reads on. */
async function readSlowStreamUntil(n: number, stop: 'break' | 'abort') {
  server.enqueue(slowStream());
  const stream = await newClient().chat.completions.create(streamParams());
  const received: ChatCompletionChunk[] = [];
  for await (const c of stream) {
    received.push(c);
    if (received.length !== n) continue;
    if (stop === 'break') break;
    stream.controller.abort();
  }
  return { stream, received };
}

describe('text streams', () => {
  it('records a text stream without usage: attributes, assembled output and TTFC', async () => {
    const served = textStream(['Hel', 'lo', ' world'], { id: 'chatcmpl-s1', system_fingerprint: 'fp_s1', service_tier: 'default' });
    server.enqueue(sse(served));

    const stream = await newClient().chat.completions.create(streamParams({ temperature: 0.2, max_tokens: 50 }));
    const received = await collect(stream);

    expect(received).toEqual(served);
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes('chatcmpl-s1', ['stop'], {
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 50,
        'openai.response.service_tier': 'default',
        'openai.response.system_fingerprint': 'fp_s1',
      }),
    );
    expectTtfc(span, 0.001);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([userTextMessage('Tell me something')]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Hello world')]);
  });

  it('records usage from the include_usage chunk, and the app still sees that chunk', async () => {
    const served = textStream(['A', 'B'], { id: 'chatcmpl-s2', streamUsage: usage(30, 2, { cached: 16, reasoning: 1 }) });
    server.enqueue(sse(served));

    const stream = await newClient().chat.completions.create(streamParams({ stream_options: { include_usage: true } }));
    const received = await collect(stream);

    expect(received).toEqual(served);
    expect(received.at(-1)!.choices).toEqual([]);
    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes('chatcmpl-s2', ['stop'], {
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 2,
        'gen_ai.usage.cache_read.input_tokens': 16,
        'gen_ai.usage.reasoning.output_tokens': 1,
      }),
    );
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('AB')]);

    const tokens = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum, p.value.count])).toEqual([
      ['input', 30, 1],
      ['output', 2, 1],
    ]);
  });

  it('does not ask the server for usage when the app did not', async () => {
    server.enqueue(sse(textStream(['x'])));
    await collect(await newClient().chat.completions.create(streamParams()));
    expect(server.requests.at(-1)!.body).toEqual(streamParams());
  });
});

describe('content capture on streams', () => {
  it('NO_CONTENT: a stream records no content attributes and no event', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    server.enqueue(sse(textStream(['quiet'], { id: 'chatcmpl-nc' })));

    await collect(await newClient().chat.completions.create(streamParams()));

    const span = onlySpan(tel);
    expect(attributesWithoutTiming(span)).toEqual(streamedAttributes('chatcmpl-nc', ['stop']));
    expect(tel.logs()).toEqual([]);
  });

  it('EVENT_ONLY: the details event carries the assembled output, the span none', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
    server.enqueue(sse(textStream(['to', ' the', ' event'], { id: 'chatcmpl-ev' })));

    await collect(await newClient().chat.completions.create(streamParams()));

    const span = onlySpan(tel);
    expect(Object.keys(span.attributes)).not.toContain(OUTPUT_MESSAGES);
    expect(Object.keys(span.attributes)).not.toContain(INPUT_MESSAGES);
    const logs = tel.logs();
    expect(logs).toHaveLength(1);
    expect(logs[0]!.eventName).toBe('gen_ai.client.inference.operation.details');
    expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
    expect(logs[0]!.attributes).toEqual({
      ...span.attributes,
      [INPUT_MESSAGES]: [userTextMessage('Tell me something')],
      [OUTPUT_MESSAGES]: [assistantTextOutput('to the event')],
    });
  });
});

describe('streaming metrics', () => {
  it('records time to first chunk once and time per output chunk for every chunk after the first', async () => {
    const served = textStream(['a', 'b', 'c'], { streamUsage: usage(4, 3), service_tier: 'default', system_fingerprint: 'fp_m' });
    server.enqueue(sse(served, { delayMs: 5 }));

    const received = await collect(await newClient().chat.completions.create(streamParams({ stream_options: { include_usage: true } })));

    expect(received).toHaveLength(5); // 3 text chunks, the finish chunk and the usage chunk
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: received.length - 1 });

    const metrics = await tel.metrics();
    const responseAttrs = {
      ...baseMetricAttributes(server),
      'gen_ai.response.model': RESPONSE_MODEL,
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_m',
    };
    const [ttfc] = metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc!.attributes).toEqual(responseAttrs);
    expect(ttfc!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(ttfc!.value.sum).toBeCloseTo(onlySpan(tel).attributes[ATTR_TTFC] as number, 9);

    const perChunk = metricPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk');
    // Recorded when the call ends, so the gaps carry the response attributes like the other metrics.
    expect(perChunk.map((p) => p.attributes)).toEqual([responseAttrs]);
    expect(perChunk[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    // The gaps between chunks add up to no more than the time from the first chunk to the end of the span.
    const span = onlySpan(tel);
    expect(perChunk[0]!.value.min).toBeGreaterThanOrEqual(0);
    expect(perChunk[0]!.value.sum).toBeLessThanOrEqual(spanSeconds(span) - (span.attributes[ATTR_TTFC] as number) + 0.001);

    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration');
    expect(duration.map((p) => [p.attributes, p.value.count])).toEqual([[responseAttrs, 1]]);
  });

  it('counts the chunks the SDK yields when there is no usage chunk', async () => {
    const served = textStream(['a', 'b']);
    server.enqueue(sse(served));
    const received = await collect(await newClient().chat.completions.create(streamParams()));
    expect(received).toHaveLength(3);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 2 });
  });

  it('records no time per output chunk with timePerOutputChunk false, and everything else as before', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', timePerOutputChunk: false });
    server.enqueue(sse(textStream(['a', 'b'])));
    const received = await collect(await newClient().chat.completions.create(streamParams()));
    expect(received).toHaveLength(3);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 0 });
    const span = onlySpan(tel);
    expect(span.attributes[ATTR_TTFC]).toEqual(expect.any(Number));
    expect(span.attributes['gen_ai.output.messages']).toEqual(expect.stringContaining('ab'));
    const duration = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
    expect(duration.map((p) => p.value.count)).toEqual([1]);
  });

  it('OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK=false wins over the option', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK = 'false';
    try {
      tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', timePerOutputChunk: true });
      server.enqueue(sse(textStream(['a', 'b'])));
      await collect(await newClient().chat.completions.create(streamParams()));
      expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 0 });
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK;
    }
  });
});

describe('tool calls and multiple choices', () => {
  it('assembles tool-call deltas split across chunks, keyed by index', async () => {
    const served: ChatCompletionChunk[] = [
      chunk([
        deltaChoice({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '' } }],
        }),
      ]),
      chunk([deltaChoice({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })]),
      chunk([deltaChoice({ tool_calls: [{ index: 1, id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"tz":' } }] })]),
      chunk([deltaChoice({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })]),
      chunk([deltaChoice({ tool_calls: [{ index: 1, function: { arguments: '"CET"}' } }] })]),
      chunk([deltaChoice({}, 0, 'tool_calls')]),
    ];
    server.enqueue(sse(served));

    const received = await collect(
      await newClient().chat.completions.create(
        streamParams({ tools: [{ type: 'function', function: { name: 'get_weather' } }, { type: 'function', function: { name: 'get_time' } }] }),
      ),
    );

    expect(received).toEqual(served);
    const span = onlySpan(tel);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([
      { type: 'function', name: 'get_weather' },
      { type: 'function', name: 'get_time' },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      assistantOutput([toolCallPart('call_w', 'get_weather', { city: 'Paris' }), toolCallPart('call_t', 'get_time', { tz: 'CET' })], 'tool_call'),
    ]);
  });

  it('keeps n=2 interleaved choices apart and orders finish reasons by choice index', async () => {
    const served: ChatCompletionChunk[] = [
      chunk([deltaChoice({ role: 'assistant', content: 'Red' }, 1)]),
      chunk([deltaChoice({ role: 'assistant', content: 'Blue' }, 0)]),
      chunk([deltaChoice({ content: ' apple' }, 1), deltaChoice({ content: ' sky' }, 0)]),
      chunk([deltaChoice({}, 1, 'length')]),
      chunk([deltaChoice({ content: '!' }, 0)]),
      chunk([deltaChoice({}, 0, 'stop')]),
    ];
    server.enqueue(sse(served));

    const received = await collect(await newClient().chat.completions.create(streamParams({ n: 2 })));

    expect(received).toEqual(served);
    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual(streamedAttributes('chatcmpl-stream', ['stop', 'length'], { 'gen_ai.request.choice.count': 2 }));
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Blue sky!', 'stop'), assistantTextOutput('Red apple', 'length')]);
  });
});

describe('ending a stream early', () => {
  it('`break` ends the span once with the partial output, aborts the request and is not an error', async () => {
    const { stream } = await readSlowStreamUntil(2, 'break');

    expect(stream.controller.signal.aborted).toBe(true);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    // The choice was cut off before its finish reason: `error`, as the GenAI conventions ask.
    expect(attributesWithoutContent(span)).toEqual(streamedAttributes('chatcmpl-stream', ['error']));
    expectTtfc(span, 0.001);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 w1 ', 'error')]);

    await sleep(100);
    expect(tel.spans()).toHaveLength(1);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 1 });
  });

  it('`stream.controller.abort()` mid-stream ends the iteration quietly and the span once, with the partial output', async () => {
    const { received } = await readSlowStreamUntil(3, 'abort');

    expect(received).toHaveLength(3);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    // toHaveProperty([key]), not (key): attribute names contain dots, which the string form reads as a path.
    expect(span.attributes).not.toHaveProperty(['error.type']);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 w1 w2 ', 'error')]);
    await sleep(100);
    expect(tel.spans()).toHaveLength(1);
  });

  it('aborting a stream before reading it ends the span once, not as an error, recording what reading yielded', async () => {
    const served = textStream(['w0 ', 'w1 ', 'w2 ']);
    server.enqueue(sse(served));
    const stream = await newClient().chat.completions.create(streamParams());
    stream.controller.abort();
    const received = await collect(stream);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).not.toHaveProperty(['error.type']);
    if (abortStopsArrivedBody) {
      expect(received).toEqual([]);
      expect(span.attributes).not.toHaveProperty([ATTR_TTFC]);
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
      expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [], finish_reason: 'error' }]);
      expect(await chunkMetricCounts()).toEqual({ ttfc: 0, perChunk: 0 });
    } else {
      // openai 4.x on node-fetch still yields the body that had arrived (all of this short, unpaced
      // stream): the span records exactly what the app read.
      expect(received).toEqual(served);
      expectTtfc(span, 0.001);
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
      expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 w1 w2 ')]);
      expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: served.length - 1 });
    }
  });
});

describe('failing streams', () => {
  it('an error event mid-stream throws the SDK APIError and ends the span with ERROR and the partial output', async () => {
    server.enqueue(
      sse(
        [
          chunk([deltaChoice({ role: 'assistant', content: 'Hel' })], { id: 'chatcmpl-err' }),
          { error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null, param: null } },
        ],
        { done: false },
      ),
    );

    const stream = await newClient().chat.completions.create(streamParams());
    const received: ChatCompletionChunk[] = [];
    const error = await captureRejection(
      (async () => {
        for await (const c of stream) received.push(c);
      })(),
    );

    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.constructor).toBe(OpenAI.APIError);
    expect(error.message).toBe('The server had an error while processing your request.');
    const span = onlyErrorSpan(tel, error.message);
    expect(attributesWithoutContent(span)).toEqual(streamedAttributes('chatcmpl-err', ['error'], { 'error.type': 'APIError' }));
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', error.message]]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Hel', 'error')]);

    const duration = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
    expect(duration.map((p) => p.attributes)).toEqual([
      { ...baseMetricAttributes(server), 'gen_ai.response.model': RESPONSE_MODEL, 'error.type': 'APIError' },
    ]);
  });

  it('malformed SSE JSON: the app gets the same error as without instrumentation, and the span is ERROR', async () => {
    const malformed = (): MockReply => ({
      kind: 'raw-sse',
      lines: [`data: ${JSON.stringify(chunk([deltaChoice({ role: 'assistant', content: 'ok' })]))}\n\n`, 'data: {"id": "chatcmpl-bad", "choices": [\n\n'],
    });
    const run = async () => {
      const stream = await newClient({ logLevel: 'off' }).chat.completions.create(streamParams());
      const received: ChatCompletionChunk[] = [];
      const error = await captureRejection(
        (async () => {
          for await (const c of stream) received.push(c);
        })(),
      );
      return { received, error };
    };

    server.enqueue(malformed());
    const instrumented = await run();
    tel.instrumentation.disable();
    server.enqueue(malformed());
    let plain: Awaited<ReturnType<typeof run>>;
    try {
      plain = await run();
    } finally {
      tel.instrumentation.enable();
    }

    expect(instrumented.received).toEqual(plain.received);
    expect(instrumented.error.constructor).toBe(plain.error.constructor);
    expect(instrumented.error.message).toBe(plain.error.message);
    expect(instrumented.error).toBeInstanceOf(SyntaxError);

    const span = onlyErrorSpan(tel, instrumented.error.message);
    expect(span.attributes['error.type']).toBe('SyntaxError');
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('ok', 'error')]);
  });

  it('an HTTP error on a streamed request rejects with the SDK class and ends the span with ERROR', async () => {
    server.enqueue(apiError(503, 'Service unavailable', 'server_error'));

    const error = await captureRejection(newClient().chat.completions.create(streamParams()));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.message).toBe('503 Service unavailable');
    const span = onlyErrorSpan(tel, error.message);
    expect(attributesWithoutContent(span)).toEqual({
      ...baseChatAttributes(server),
      'gen_ai.request.stream': true,
      'error.type': 'InternalServerError',
    });
    expect(await chunkMetricCounts()).toEqual({ ttfc: 0, perChunk: 0 });
  });

  it('`stream: \'yes\'` (not a boolean): the app gets what the SDK gives without instrumentation, and the call one span that ends', async () => {
    server.enqueue(sse(textStream(['yes'])), sse(textStream(['yes'])));
    const params = { ...streamParams(), stream: 'yes' as unknown as true };
    // openai 4-6 stream on any truthy `stream`, 7 only on `true` (it then returns the body as text).
    const read = async (result: unknown) =>
      result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
        ? { streamed: await collect(result as AsyncIterable<unknown>) }
        : { value: result };
    const instrumented = await read(await newClient().chat.completions.create(params));
    tel.instrumentation.disable();
    let plain: unknown;
    try {
      plain = await read(await newClient().chat.completions.create(params));
    } finally {
      tel.instrumentation.enable();
    }
    expect(instrumented).toEqual(plain);
    expect(tel.spans()).toHaveLength(1);
    expect(onlySpan(tel).status).toEqual({ code: SpanStatusCode.UNSET });
    // A call that streamed is recorded as a streamed request, whatever its `stream` said.
    expect(onlySpan(tel).attributes['gen_ai.request.stream']).toBe('streamed' in instrumented ? true : undefined);
  });

  it('a second iterator taken while the first reads gets the SDK error and does not fail the call', async () => {
    server.enqueue(sse(textStream(['first', ' and', ' last'])));
    const stream = await newClient().chat.completions.create(streamParams());
    const first = stream[Symbol.asyncIterator]();
    let text = ((await first.next()).value as ChatCompletionChunk).choices[0]?.delta?.content ?? '';

    const second = stream[Symbol.asyncIterator]();
    const error = await captureRejection(second.next());
    for (let r = await first.next(); !r.done; r = await first.next()) text += r.value.choices[0]?.delta?.content ?? '';

    expect(error.message).toBe('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    expect(text).toBe('first and last');
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('first and last')]);
  });

  it('iterating a consumed stream again throws the SDK error and does not record a second end', async () => {
    server.enqueue(sse(textStream(['once'])));
    const stream = await newClient().chat.completions.create(streamParams());
    await collect(stream);

    const error = await captureRejection(collect(stream));

    if (consumedStreamThrowsOpenAIError) expect(error).toBeInstanceOf(OpenAI.OpenAIError);
    else expect(error.constructor).toBe(Error); // openai 4.x throws a plain Error here
    expect(error.message).toBe('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('once')]);
  });
});

describe('the returned Stream object', () => {
  it('is still the SDK Stream class, with its controller', async () => {
    server.enqueue(sse(textStream(['x'])));
    const stream = await newClient().chat.completions.create(streamParams());

    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    expect(stream.controller.signal.aborted).toBe(false);
    expect(typeof stream.tee).toBe('function');
    expect(typeof stream.toReadableStream).toBe('function');
    await collect(stream);
    expect(tel.spans()).toHaveLength(1);
  });

  it('tee(): both branches get every chunk, and there is one span with the whole output', async () => {
    const served = textStream(['Tee', ' time'], { streamUsage: usage(6, 2) });
    server.enqueue(sse(served));

    const stream = await newClient().chat.completions.create(streamParams({ stream_options: { include_usage: true } }));
    const [left, right] = stream.tee();
    expect(left).toBeInstanceOf(Stream);
    const [fromLeft, fromRight] = await Promise.all([collect(left), collect(right)]);

    expect(fromLeft).toEqual(served);
    expect(fromRight).toEqual(served);
    const span = onlySpan(tel);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(6);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Tee time')]);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: served.length - 1 });
  });

  it('tee(): reading one branch after the other still records one span', async () => {
    const served = textStream(['one', ' two']);
    server.enqueue(sse(served));
    const [left, right] = (await newClient().chat.completions.create(streamParams())).tee();

    expect(await collect(left)).toEqual(served);
    expect(tel.spans()).toHaveLength(1);
    expect(await collect(right)).toEqual(served);
    expect(tel.spans()).toHaveLength(1);
  });

  it('toReadableStream(): a reader gets every chunk as NDJSON and the span records the whole output', async () => {
    const served = textStream(['Read', 'able'], { id: 'chatcmpl-rs' });
    server.enqueue(sse(served));

    const stream = await newClient().chat.completions.create(streamParams());
    const reader = stream.toReadableStream().getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value as Uint8Array, { stream: true });
    }
    const items = text.trim().split('\n').map((line) => JSON.parse(line));

    expect(items).toEqual(served);
    const span = onlySpan(tel);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-rs');
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('Readable')]);
  });

  it('toReadableStream(): cancelling the reader ends the span once, not as an error', async () => {
    server.enqueue(slowStream());
    const stream = await newClient().chat.completions.create(streamParams());
    const reader = stream.toReadableStream().getReader();
    await reader.read();
    await reader.cancel();

    expect(stream.controller.signal.aborted).toBe(true);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('w0 ', 'error')]);
  });
});
