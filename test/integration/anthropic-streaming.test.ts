/*
 * messages.create with `stream: true` and the messages.stream() helper: the real @anthropic-ai/sdk reading
 * real SSE (`event:` + `data:` lines) from the loopback Anthropic mock. The instrumentation leaves the
 * returned Stream (class, controller, tee) and the MessageStream helper (events, finalMessage, abort)
 * untouched and ends the span exactly once, whichever way the stream ends.
 */
import Anthropic from '@anthropic-ai/sdk';
import { SpanStatusCode } from '@opentelemetry/api';
import { captureRejection, collect, sleep } from '../helpers/async';
import { useAnthropicTestbed } from '../helpers/anthropic-testbed';
import {
  ATTR_TTFC,
  DETAILS_EVENT,
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  attributesWithoutContent,
  contentAttribute,
  expectTtfc,
  onlyErrorSpan,
  onlySpan,
  spanSeconds,
} from '../helpers/spans';
import { metricPoints } from '../helpers/telemetry';
import { DURATION_BUCKETS } from '../fixtures/metric-buckets';
import { MODEL, RESPONSE_MODEL, baseAttributes, message, responseAttributes, streamEvents, textBlock, thinkingBlock, toolUseBlock, usage } from '../fixtures/anthropic';
import { apiError, sse, type AnthropicReply } from '../mock-servers/anthropic-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Stream } = require('@anthropic-ai/sdk/core/streaming') as { Stream: new (...args: never[]) => unknown };

// A fresh pipeline per test: metrics are cumulative, and each test asserts its own counts.
const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

const streamParams = (extra: Record<string, unknown> = {}): Anthropic.MessageCreateParamsStreaming => ({
  model: MODEL,
  max_tokens: 512,
  messages: [{ role: 'user', content: 'Tell me something' }],
  stream: true,
  ...extra,
});

const streamedAttributes = (extra: Record<string, unknown> = {}) => ({
  ...baseAttributes(server),
  'gen_ai.request.max_tokens': 512,
  'gen_ai.request.stream': true,
  ...extra,
});

const textOutput = (text: string, finish = 'stop') => [{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish }];

async function chunkMetricCounts() {
  const metrics = await tel.metrics();
  const count = (name: string) => metricPoints(metrics, name).reduce((n, p) => n + (p.value.count as number), 0);
  return { ttfc: count('gen_ai.client.operation.time_to_first_chunk'), perChunk: count('gen_ai.client.operation.time_per_output_chunk') };
}

/** A long, slow text stream, so the client can stop it while the server is still sending. */
function slowStream(words = 20, delayMs = 15): AnthropicReply {
  const text = Array.from({ length: words }, (_, i) => `w${i} `).join('');
  return sse(streamEvents(message({ id: 'msg_slow', content: [textBlock(text)] }), { pieceSize: 3 }), { delayMs });
}

describe('stream: true', () => {
  it('records the stream: usage from message_start and message_delta (cache included), the assembled output and TTFC', async () => {
    const msg = message({ id: 'msg_stream', content: [textBlock('Hello there, friend!')], usage: usage(20, 9, { cacheRead: 100, cacheCreation: 5 }) });
    const events = streamEvents(msg, { ping: true });
    server.enqueue(sse(events));

    const stream = await client().messages.create(streamParams());
    const received = await collect(stream);

    // The app sees every event but the ping (the SDK skips it), unchanged.
    expect(received).toEqual(events.filter((e) => e.type !== 'ping'));
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes(responseAttributes({ id: 'msg_stream', input: 125, output: 9, cacheRead: 100, cacheCreation: 5 })),
    );
    expectTtfc(span);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Tell me something' }] }]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('Hello there, friend!'));
  });

  it('assembles tool input JSON split across input_json_delta events, thinking deltas and block order', async () => {
    const msg = message({
      id: 'msg_tools',
      content: [
        thinkingBlock('Two lookups are needed.'),
        textBlock('Checking.'),
        toolUseBlock('toolu_1', 'get_weather', { city: 'Paris', units: 'metric' }),
        toolUseBlock('toolu_2', 'get_time', { tz: 'Europe/Paris' }),
      ],
      stop_reason: 'tool_use',
      usage: usage(50, 70, { thinking: 12 }),
    });
    server.enqueue(sse(streamEvents(msg, { pieceSize: 5 })));

    await collect(await client().messages.create(streamParams()));

    const span = onlySpan(tel.spans());
    // thinking_tokens arrive with message_start's usage here (message_delta repeats only what changed).
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes(responseAttributes({ id: 'msg_tools', finish: 'tool_call', input: 50, output: 70, reasoning: 12 })),
    );
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Two lookups are needed.' },
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
          { type: 'tool_call', id: 'toolu_2', name: 'get_time', arguments: { tz: 'Europe/Paris' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('reads thinking tokens from the final message_delta usage', async () => {
    const events = streamEvents(message({ id: 'msg_think', usage: usage(10, 30) }));
    const delta = events.find((e) => e.type === 'message_delta')!;
    (delta.usage as Record<string, unknown>).output_tokens_details = { thinking_tokens: 20 };
    server.enqueue(sse(events));
    await collect(await client().messages.create(streamParams()));
    expect(onlySpan(tel.spans()).attributes['gen_ai.usage.reasoning.output_tokens']).toBe(20);
  });

  it('NO_CONTENT: no content attributes and no event; EVENT_ONLY: the details event has the assembled output', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    server.enqueue(sse(streamEvents(message({ content: [textBlock('quiet')] }))));
    await collect(await client().messages.create(streamParams()));
    const [quiet] = tel.spans();
    expect(quiet!.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    expect(quiet!.attributes).not.toHaveProperty([INPUT_MESSAGES]);
    expect(tel.logs()).toEqual([]);

    tel.reset();
    tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
    server.enqueue(sse(streamEvents(message({ content: [textBlock('loud')] }))));
    await collect(await client().messages.create(streamParams()));
    const span = onlySpan(tel.spans());
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    const [event] = tel.logs();
    expect(event!.eventName).toBe(DETAILS_EVENT);
    expect(event!.attributes[OUTPUT_MESSAGES]).toEqual(textOutput('loud'));
    expect(event!.attributes[ATTR_TTFC]).toBe(span.attributes[ATTR_TTFC]);
  });

  it('records time to first chunk once and time per output chunk for every event after the first', async () => {
    const events = streamEvents(message({ content: [textBlock('abcdefgh')] }), { pieceSize: 2 });
    server.enqueue(sse(events, { delayMs: 3 }));
    const received = await collect(await client().messages.create(streamParams()));

    expect(received).toHaveLength(events.length);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: received.length - 1 });
    const metrics = await tel.metrics();
    const attrs = { ...baseAttributes(server), 'gen_ai.response.model': RESPONSE_MODEL };
    const [ttfc] = metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc!.attributes).toEqual(attrs);
    expect(ttfc!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    const span = onlySpan(tel.spans());
    expect(ttfc!.value.sum).toBeCloseTo(span.attributes[ATTR_TTFC] as number, 9);
    const [perChunk] = metricPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk');
    expect(perChunk!.attributes).toEqual(attrs);
    expect(perChunk!.value.sum).toBeLessThanOrEqual(spanSeconds(span) - (span.attributes[ATTR_TTFC] as number) + 0.001);
  });

  it('.withResponse() on a streamed create gives the Stream and the response; one span', async () => {
    server.enqueue(sse(streamEvents(message({ content: [textBlock('wr')] }))));
    const { data, response, request_id } = await client().messages.create(streamParams()).withResponse();
    expect(data).toBeInstanceOf(Stream);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(request_id).toBe('req_mock_1');
    await collect(data);
    expect(contentAttribute(onlySpan(tel.spans()), OUTPUT_MESSAGES)).toEqual(textOutput('wr'));
  });
});

describe('the returned Stream object', () => {
  it('is still the SDK Stream class with its controller; tee() gives both branches every event and one span', async () => {
    const events = streamEvents(message({ content: [textBlock('Tee time')] }));
    server.enqueue(sse(events));
    const stream = await client().messages.create(streamParams());
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(a).toEqual(events);
    expect(b).toEqual(events);
    expect(contentAttribute(onlySpan(tel.spans()), OUTPUT_MESSAGES)).toEqual(textOutput('Tee time'));
  });
});

describe('ending a stream early', () => {
  it('`break` ends the span once with the partial output and finish reason error, aborts the request, no error status', async () => {
    server.enqueue(slowStream());
    const stream = await client().messages.create(streamParams());
    let n = 0;
    for await (const _event of stream) if (++n === 5) break;

    expect(stream.controller.signal.aborted).toBe(true);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    // message_start, content_block_start, three text deltas: "w0 w1 w2 ".
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes({
        'gen_ai.response.id': 'msg_slow',
        'gen_ai.response.model': RESPONSE_MODEL,
        'gen_ai.response.finish_reasons': ['error'],
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.cache_creation.input_tokens': 0,
      }),
    );
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('w0 w1 w2 ', 'error'));
    await sleep(100);
    expect(tel.spans()).toHaveLength(1);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 4 });
  });

  it('`stream.controller.abort()` mid-stream ends the iteration quietly and the span once, with the partial output', async () => {
    server.enqueue(slowStream());
    const stream = await client().messages.create(streamParams());
    const received: unknown[] = [];
    for await (const event of stream) {
      received.push(event);
      if (received.length === 4) stream.controller.abort();
    }
    expect(received).toHaveLength(4);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).not.toHaveProperty(['error.type']);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('w0 w1 ', 'error'));
  });

  it('a stream the server ends before message_delta reports finish reason error, without an error status', async () => {
    server.enqueue(sse(streamEvents(message({ id: 'msg_cut', content: [textBlock('partial')] }), { truncateAfterBlocks: true })));
    const received = await collect(await client().messages.create(streamParams()));
    expect(received.at(-1)).toEqual({ type: 'content_block_stop', index: 0 });
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('partial', 'error'));
  });

  it('a tool input cut off mid-JSON is recorded as the raw partial text', async () => {
    const events = streamEvents(message({ content: [toolUseBlock('toolu_x', 'f', { query: 'a long query' })], stop_reason: 'tool_use' }), { pieceSize: 6 });
    const firstJsonDelta = events.findIndex((e) => (e.delta as Record<string, unknown> | undefined)?.type === 'input_json_delta');
    server.enqueue(sse(events.slice(0, firstJsonDelta + 2)));
    await collect(await client().messages.create(streamParams()));
    expect(contentAttribute(onlySpan(tel.spans()), OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_x', name: 'f', arguments: '{"query":"a ' }], finish_reason: 'error' },
    ]);
  });
});

describe('failing streams', () => {
  it('an error event mid-stream throws the SDK APIError and ends the span with ERROR and the partial output', async () => {
    const events = streamEvents(message({ id: 'msg_err', content: [textBlock('Hello world')] }), { truncateAfterBlocks: true }).slice(0, 3);
    server.enqueue(sse([...events, { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }]));

    const stream = await client().messages.create(streamParams());
    const received: unknown[] = [];
    const error = await captureRejection((async () => {
      for await (const e of stream) received.push(e);
    })());

    expect(received).toHaveLength(3);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(attributesWithoutContent(span)).toEqual(
      streamedAttributes({
        'gen_ai.response.id': 'msg_err',
        'gen_ai.response.model': RESPONSE_MODEL,
        'gen_ai.response.finish_reasons': ['error'],
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.cache_creation.input_tokens': 0,
        'error.type': error.constructor.name,
      }),
    );
    expect(error.constructor.name).toBe('APIError');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('Hell', 'error'));
  });

  it('an HTTP error on a streamed request rejects with the SDK class and ends the span with ERROR', async () => {
    server.enqueue(apiError(529, 'Overloaded'));
    const error = await captureRejection(client().messages.create(streamParams()));
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBe(529);
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(attributesWithoutContent(span)).toEqual(streamedAttributes({ 'error.type': error.constructor.name }));
    expect(await chunkMetricCounts()).toEqual({ ttfc: 0, perChunk: 0 });
  });
});

describe('messages.stream() helper', () => {
  it("fires 'text' events, resolves finalMessage() and finalText(), sends through create once: one span", async () => {
    const msg = message({ id: 'msg_helper', content: [textBlock('Streamed by the helper.')], usage: usage(15, 6) });
    server.enqueue(sse(streamEvents(msg, { pieceSize: 5 })));

    const texts: string[] = [];
    const helper = client().messages.stream({ model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'Tell me something' }] });
    helper.on('text', (delta) => texts.push(delta));
    const final = await helper.finalMessage();

    expect(texts.join('')).toBe('Streamed by the helper.');
    expect(final.content).toEqual([textBlock('Streamed by the helper.')]);
    expect(final.id).toBe('msg_helper');
    expect(await helper.finalText()).toBe('Streamed by the helper.');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-stainless-helper-method']).toBe('stream');
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toEqual(streamedAttributes(responseAttributes({ id: 'msg_helper', input: 15, output: 6 })));
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('Streamed by the helper.'));
  });

  it('produces the same final message as without instrumentation', async () => {
    const msg = message({ content: [textBlock('same'), toolUseBlock('toolu_s', 'f', { a: [1, 2] })], stop_reason: 'tool_use' });
    server.enqueue(sse(streamEvents(msg)), sse(streamEvents(msg)));
    const params = { model: MODEL, max_tokens: 512, messages: [{ role: 'user' as const, content: 'x' }] };
    const instrumented = await client().messages.stream(params).finalMessage();
    tel.instrumentation.disable();
    let plain: Anthropic.Message;
    try {
      plain = await client().messages.stream(params).finalMessage();
    } finally {
      tel.instrumentation.enable();
    }
    expect(instrumented).toEqual(plain);
    expect(instrumented.content[1]).toEqual(toolUseBlock('toolu_s', 'f', { a: [1, 2] }));
    expect(tel.spans()).toHaveLength(1);
  });

  it('abort() on the helper ends the span once, without an error status', async () => {
    server.enqueue(slowStream());
    const helper = client().messages.stream({ model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'long' }] });
    let deltas = 0;
    helper.on('text', () => {
      if (++deltas === 2) helper.abort();
    });
    const error = await captureRejection(helper.finalMessage());
    expect(error).toBeInstanceOf(Anthropic.APIUserAbortError);
    await sleep(50);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(textOutput('w0 w1 ', 'error'));
  });

  it('an error event reaches the helper as an error and the span is ERROR', async () => {
    const events = streamEvents(message({ content: [textBlock('abc')] }), { truncateAfterBlocks: true }).slice(0, 2);
    server.enqueue(sse([...events, { event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'Internal error' } } }]));
    const helper = client().messages.stream({ model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'x' }] });
    const onError = jest.fn();
    helper.on('error', onError);
    const error = await captureRejection(helper.done());
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(onError).toHaveBeenCalledTimes(1);
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(span.attributes['error.type']).toBe('APIError');
  });
});
