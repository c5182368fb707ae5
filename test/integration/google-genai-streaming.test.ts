/*
 * models.generateContentStream: the real @google/genai SDK reading real SSE from the loopback Gemini mock
 * server. The caller must get an async generator that behaves like the SDK's (same chunks, break/return,
 * errors), and the span must end exactly once, whichever way the stream ends.
 */
import { types } from 'node:util';
import { SpanStatusCode } from '@opentelemetry/api';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { metricPoints } from '../helpers/telemetry';
import { captureRejection, collect, collectUntilError, sleep } from '../helpers/async';
import { ATTR_TTFC, DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, attributesWithoutContent, contentAttribute, expectTtfc, onlyErrorSpan, onlySpan } from '../helpers/spans';
import { errorBody, geminiError, sse } from '../mock-servers/gemini-server';
import { DURATION_BUCKETS } from '../fixtures/metric-buckets';
import { MODEL, RESPONSE_MODEL, functionCall, textChunks, usageMetadata } from '../fixtures/gemini';

const { server, tel, client, baseAttributes } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

const streamed = (id: string, finishReasons: string[], extra: Record<string, unknown> = {}) => ({
  ...baseAttributes('generate_content', MODEL),
  'gen_ai.request.stream': true,
  'gen_ai.response.id': id,
  'gen_ai.response.model': RESPONSE_MODEL,
  'gen_ai.response.finish_reasons': finishReasons,
  ...extra,
});

const textOf = (chunks: Array<{ text?: string }>) => chunks.map((c) => c.text ?? '').join('');

/** Counts of the two streaming histograms (summed over all data points). */
async function chunkMetricCounts() {
  const metrics = await tel.metrics();
  const count = (name: string) => metricPoints(metrics, name).reduce((n, p) => n + (p.value.count as number), 0);
  return { ttfc: count('gen_ai.client.operation.time_to_first_chunk'), perChunk: count('gen_ai.client.operation.time_per_output_chunk') };
}

describe('text streams', () => {
  it('records a stream: attributes, reasoning and text assembled, usage from the last chunk, TTFC; the app gets every chunk', async () => {
    server.enqueue(
      sse(textChunks(['Hel', 'lo', ' world'], { responseId: 'resp-s1', runningUsage: true, thoughts: ['Think', 'ing.'], usage: usageMetadata(20, 3, { cached: 16, thoughts: 7 }) })),
    );

    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'Greet me', config: { temperature: 0.2, maxOutputTokens: 50 } });
    const chunks = await collect(stream);

    expect(chunks).toHaveLength(5);
    expect(textOf(chunks.slice(2))).toBe('Hello world');
    expect(server.requests.map((r) => `${r.action} ${JSON.stringify(r.query)}`)).toEqual(['streamGenerateContent {"alt":"sse"}']);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(attributesWithoutContent(span)).toEqual(
      streamed('resp-s1', ['stop'], {
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 50,
        'gen_ai.usage.input_tokens': 20,
        'gen_ai.usage.output_tokens': 10,
        'gen_ai.usage.cache_read.input_tokens': 16,
        'gen_ai.usage.reasoning.output_tokens': 7,
      }),
    );
    expectTtfc(span, 0.002);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Greet me' }] }]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Thinking.' },
          { type: 'text', content: 'Hello world' },
        ],
        finish_reason: 'stop',
      },
    ]);
  });

  it('the caller gets an async generator like the SDK returns', async () => {
    server.enqueue(sse(textChunks(['a'])));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x' });
    expect(Object.prototype.toString.call(stream)).toBe('[object AsyncGenerator]');
    expect(types.isGeneratorObject(stream)).toBe(true);
    // Nothing of ours shows on it: no own properties.
    expect(Reflect.ownKeys(stream)).toEqual([]);
    expect(stream[Symbol.asyncIterator]()).toBe(stream);
    expect(typeof stream.return).toBe('function');
    expect(typeof stream.throw).toBe('function');
    await collect(stream);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('a streamed function call: tool_call part and finish reason; two candidates by index', async () => {
    server.enqueue(
      sse([
        { candidates: [{ content: { role: 'model', parts: [{ text: 'A' }] }, index: 0 }, { content: { role: 'model', parts: [{ text: 'B' }] }, index: 1 }], responseId: 'resp-2c', modelVersion: RESPONSE_MODEL },
        {
          candidates: [
            { content: { role: 'model', parts: [functionCall('lookup', { q: 'x' }, 'fc-1')] }, finishReason: 'STOP', index: 0 },
            { content: { role: 'model', parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS', index: 1 },
          ],
          usageMetadata: usageMetadata(5, 4),
          responseId: 'resp-2c',
          modelVersion: RESPONSE_MODEL,
        },
      ]),
    );
    await collect(await client().models.generateContentStream({ model: MODEL, contents: 'x', config: { candidateCount: 2 } }));
    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call', 'length']);
    expect(span.attributes['gen_ai.request.choice.count']).toBe(2);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'A' }, { type: 'tool_call', id: 'fc-1', name: 'lookup', arguments: { q: 'x' } }], finish_reason: 'tool_call' },
      { role: 'assistant', parts: [{ type: 'text', content: 'Bb' }], finish_reason: 'length' },
    ]);
  });

  it('EVENT_ONLY: the details event carries the assembled output, the span none', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
    server.enqueue(sse(textChunks(['to', ' the', ' event'], { responseId: 'resp-ev' })));
    await collect(await client().models.generateContentStream({ model: MODEL, contents: 'q' }));
    const span = onlySpan(tel.spans());
    expect(Object.keys(span.attributes)).not.toContain(OUTPUT_MESSAGES);
    const logs = tel.logs();
    expect(logs.map((l) => l.eventName)).toEqual([DETAILS_EVENT]);
    expect(logs[0]!.attributes).toEqual({
      ...span.attributes,
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'q' }] }],
      [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: 'to the event' }], finish_reason: 'stop' }],
    });
  });
});

describe('streams that end early', () => {
  it('break after two chunks: the span ends at once with what arrived and finish reason error; the SDK stream is closed', async () => {
    server.enqueue(sse(textChunks(Array.from({ length: 20 }, (_, i) => `w${i} `), { responseId: 'resp-brk', runningUsage: true }), { delayMs: 10 }));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'long' });
    const received: unknown[] = [];
    for await (const chunk of stream) {
      received.push(chunk);
      if (received.length === 2) break;
    }
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(attributesWithoutContent(span)).toEqual(streamed('resp-brk', ['error'], { 'gen_ai.usage.input_tokens': 6, 'gen_ai.usage.output_tokens': 2 }));
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'w0 w1 ' }], finish_reason: 'error' }]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() before the first chunk is read ends the span too', async () => {
    server.enqueue(sse(textChunks(['never', 'read'])));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x' });
    expect(await stream.return(undefined)).toEqual({ done: true, value: undefined });
    await sleep(5);
    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('throw() before the first chunk is read: the app gets the error back, the span fails with it', async () => {
    server.enqueue(sse(textChunks(['never', 'read'])));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x' });
    const thrown = new Error('the app gave up');
    await expect(stream.throw(thrown)).rejects.toBe(thrown);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    const span = onlyErrorSpan(tel.spans(), thrown.message);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
  });

  it('return() while a next() is pending waits for it, as a generator does: the chunk in flight is recorded, then the span ends', async () => {
    server.enqueue(sse(textChunks(['first ', 'second'], { responseId: 'resp-pending' }), { delayMs: 20 }));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x' });
    const pending = stream.next();
    const returned = stream.return(undefined);
    expect((await pending).value?.text).toBe('first ');
    expect(await returned).toEqual({ done: true, value: undefined });
    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'first ' }], finish_reason: 'error' }]);
    expectTtfc(span);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('an error event mid-stream: the app gets the SDK error after the chunks before it; the span records both', async () => {
    server.enqueue(sse([...textChunks(['partial ', 'answer'], { responseId: 'resp-err', finishReason: null }), errorBody(500, 'Internal error encountered.', 'INTERNAL')]));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x', config: { automaticContinuation: false } as never });
    const { items, error } = await collectUntilError(stream);
    let span;
    if (error === undefined) {
      // 1.x SDKs do not recognise an error event and pass it on as an empty chunk: the stream ends
      // normally for the app, and the span shows the answer cut off.
      expect(items).toHaveLength(3);
      span = onlySpan(tel.spans());
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    } else {
      expect(items).toHaveLength(2);
      expect(error.constructor.name).toBe('ApiError');
      span = onlyErrorSpan(tel.spans(), error.message);
      expect(span.attributes['error.type']).toBe('INTERNAL');
    }
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'partial answer' }], finish_reason: 'error' }]);
    expectTtfc(span);
  });

  it('the connection drops mid-stream: the span fails with the error the app sees', async () => {
    const chunks = textChunks(['a', 'b', 'c'], { responseId: 'resp-drop' });
    server.enqueue(sse(chunks.slice(0, 2), { thenDrop: true }));
    const stream = await client().models.generateContentStream({ model: MODEL, contents: 'x', config: { automaticContinuation: false } as never });
    const { items, error } = await collectUntilError(stream);
    expect(items).toHaveLength(2);
    expect(error).toBeDefined();
    // Not onlyErrorSpan: fetch's errors come from Node's realm, not jest's, so the core's `instanceof Error`
    // (true in any app) does not see their message here.
    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(error.constructor.name);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
  });

  it('an HTTP error before the stream starts: generateContentStream rejects, the span fails', async () => {
    server.enqueue(geminiError(403, 'Permission denied.', 'PERMISSION_DENIED'));
    const error = await captureRejection(client().models.generateContentStream({ model: MODEL, contents: 'x' }));
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(span.attributes['error.type']).toBe('PERMISSION_DENIED');
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes).not.toHaveProperty([ATTR_TTFC]);
  });

  it('a blocked prompt in a stream: an error span with BLOCKED_<reason>', async () => {
    server.enqueue(sse([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 }, modelVersion: RESPONSE_MODEL, responseId: 'resp-blk' }]));
    await collect(await client().models.generateContentStream({ model: MODEL, contents: 'x' }));
    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('BLOCKED_SAFETY');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(4);
  });
});

describe('streaming metrics', () => {
  it('time to first chunk once, time per output chunk for every chunk after the first, with the response attributes', async () => {
    server.enqueue(sse(textChunks(['a', 'b', 'c', 'd'], { usage: usageMetadata(4, 4) }), { delayMs: 5 }));
    const chunks = await collect(await client().models.generateContentStream({ model: MODEL, contents: 'x' }));
    expect(chunks).toHaveLength(4);
    expect(await chunkMetricCounts()).toEqual({ ttfc: 1, perChunk: 3 });

    const metrics = await tel.metrics();
    const attrs = { ...baseAttributes('generate_content', MODEL), 'gen_ai.response.model': RESPONSE_MODEL };
    const [ttfc] = metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc!.attributes).toEqual(attrs);
    expect(ttfc!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(ttfc!.value.sum).toBeCloseTo(onlySpan(tel.spans()).attributes[ATTR_TTFC] as number, 9);
    const tokens = metricPoints(metrics, 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum])).toEqual([
      ['input', 4],
      ['output', 4],
    ]);
  });
});
