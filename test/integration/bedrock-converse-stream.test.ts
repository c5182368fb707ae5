/*
 * ConverseStreamCommand: the real SDK decoding the AWS binary event stream (encoded by the mock with
 * Smithy's EventStreamCodec), observed in place: the app iterates the SDK's own stream object and sees
 * exactly the events it would see uninstrumented.
 */
import {
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamCommandOutput,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { SpanStatusCode } from '@opentelemetry/api';
import { captureRejection, collect, collectUntilError } from '../helpers/async';
import { useBedrockTestbed } from '../helpers/bedrock-testbed';
import { DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, attributesWithoutContent, contentAttribute, expectTtfc, onlySpan, parsedAttributes } from '../helpers/spans';
import { metricPoints } from '../helpers/telemetry';
import { CLAUDE, converseTextEvents, converseTextStream, converseUsage } from '../fixtures/bedrock';
import { awsError, event, events, exception } from '../mock-servers/bedrock-server';

const ask = (extra: Partial<ConverseStreamCommandInput> = {}): ConverseStreamCommandInput => ({
  modelId: CLAUDE,
  messages: [{ role: 'user', content: [{ text: 'Tell me a story' }] }],
  ...extra,
});

describe('ConverseStream', () => {
  const { server, tel, client, aggregated, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('records a text stream: attributes, assembled output, usage from the metadata event and TTFC; the app sees every event', async () => {
    server.enqueue(events(converseTextStream(['Once ', 'upon ', 'a time.'], 'end_turn', converseUsage(15, 3, { read: 100 }))));

    const output = await client().send(new ConverseStreamCommand(ask({ inferenceConfig: { maxTokens: 64 } })));
    const seen = await collect(output.stream!);

    expect(seen).toEqual(converseTextEvents(['Once ', 'upon ', 'a time.'], 'end_turn', converseUsage(15, 3, { read: 100 })));
    expect(output.$metadata.requestId).toBe('req-bedrock-1');
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 115,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Tell me a story' }] }],
      [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: 'Once upon a time.' }], finish_reason: 'stop' }],
    });
  });

  it('the app sees the same events, stream object shape and $metadata as without instrumentation', async () => {
    const frames = converseTextStream(['a', 'b']);
    server.enqueue(events(frames), events(frames));
    tel.instrumentation.disable();
    const plain = await client().send(new ConverseStreamCommand(ask()));
    const plainEvents = await collect(plain.stream!);
    tel.instrumentation.enable();
    const traced = await client().send(new ConverseStreamCommand(ask()));
    const tracedKeys = Object.keys(traced);
    const tracedEvents = await collect(traced.stream!);

    expect(tracedEvents).toEqual(plainEvents);
    expect(tracedKeys).toEqual(Object.keys(plain));
    expect(Object.getPrototypeOf(traced.stream)).toBe(Object.getPrototypeOf(plain.stream));
    expect({ ...traced.$metadata, requestId: 'x' }).toEqual({ ...plain.$metadata, requestId: 'x' });
    expect(tel.spans()).toHaveLength(1);
  });

  it('accumulates tool-use input fragments and reasoning deltas, keeping the blocks in order', async () => {
    server.enqueue(
      events([
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'User wants ' } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'the weather.' } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'c2ln' } } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Checking.' } }),
        event('contentBlockStop', { contentBlockIndex: 1 }),
        event('contentBlockStart', { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } }),
        event('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"ci' } } }),
        event('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: 'ty": "Pa' } } }),
        event('contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: 'ris"}' } } }),
        event('contentBlockStop', { contentBlockIndex: 2 }),
        event('contentBlockStart', { contentBlockIndex: 3, start: { toolUse: { toolUseId: 'tooluse_2', name: 'get_time' } } }),
        event('contentBlockStop', { contentBlockIndex: 3 }),
        event('messageStop', { stopReason: 'tool_use' }),
        event('metadata', { usage: converseUsage(50, 30), metrics: { latencyMs: 1 } }),
      ]),
    );

    await collect((await client().send(new ConverseStreamCommand(ask()))).stream!);

    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'User wants the weather.' },
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'tooluse_1', name: 'get_weather', arguments: { city: 'Paris' } },
          { type: 'tool_call', id: 'tooluse_2', name: 'get_time', arguments: {} },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  /** Reads three events, breaks, then iterates the same stream object again (the SDK resumes it). */
  async function breakAndResume(): Promise<{ first: unknown[]; again: unknown[] }> {
    server.enqueue(events(converseTextStream(['one ', 'two ', 'three ', 'four']), { delayMs: 5 }));
    const output = await client().send(new ConverseStreamCommand(ask()));
    const first: unknown[] = [];
    for await (const e of output.stream!) {
      first.push(e);
      if (first.length === 3) break;
    }
    return { first, again: await collect(output.stream!) };
  }

  it('`break` ends the span once with the partial output and finish reason error, not as an error; the stream behaves as without instrumentation', async () => {
    tel.instrumentation.disable();
    const plain = await breakAndResume();
    tel.instrumentation.enable();
    const traced = await breakAndResume();
    expect(traced).toEqual(plain);

    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(attributesWithoutContent(span)).toMatchObject({ 'gen_ai.response.finish_reasons': ['error'], 'gen_ai.request.stream': true });
    expect(attributesWithoutContent(span)).not.toHaveProperty(['error.type']);
    expect(attributesWithoutContent(span)).not.toHaveProperty(['gen_ai.usage.output_tokens']);
    // What the app had read when it broke out; reading on later does not end the span a second time.
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'one two ' }], finish_reason: 'error' }]);
  });

  it('a modelled exception mid-stream reaches the app as the SDK error class and ends the span with ERROR and the partial output', async () => {
    server.enqueue(
      events([
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Partial' } }),
        exception('throttlingException', 'Too many tokens, please wait'),
      ]),
    );

    const output = await client().send(new ConverseStreamCommand(ask()));
    const { items, error } = await collectUntilError(output.stream!);

    expect(items).toHaveLength(2);
    expect(error).toBeInstanceOf(ThrottlingException);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Too many tokens, please wait' });
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['error'],
      'error.type': 'ThrottlingException',
      'aws.request_id': 'req-bedrock-1',
    });
    expectTtfc(span);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Partial' }], finish_reason: 'error' }]);
  });

  it('an HTTP error before the stream rejects with the SDK class and ends the span with ERROR', async () => {
    server.enqueue(awsError(400, 'ValidationException', 'The model does not support streaming'));
    const error = await captureRejection(client().send(new ConverseStreamCommand(ask())));
    expect(error).toBeInstanceOf(ValidationException);
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.stream': true,
      'error.type': 'ValidationException',
      'aws.request_id': 'req-bedrock-1',
    });
  });

  it('records time to first chunk once and the time per output chunk for every event after the first', async () => {
    server.enqueue(events(converseTextStream(['a', 'b', 'c']), { delayMs: 3 }));
    const before = metricPoints(await tel.metrics(), 'gen_ai.client.operation.time_per_output_chunk').reduce((n, p) => n + p.value.count, 0);
    const ttfcBefore = metricPoints(await tel.metrics(), 'gen_ai.client.operation.time_to_first_chunk').reduce((n, p) => n + p.value.count, 0);

    const seen = await collect((await client().send(new ConverseStreamCommand(ask()))).stream!);

    const span = onlySpan(tel.spans());
    const ttfc = expectTtfc(span);
    const metrics = await tel.metrics();
    const ttfcPoints = metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfcPoints.reduce((n, p) => n + p.value.count, 0) - ttfcBefore).toBe(1);
    expect(ttfcPoints.every((p) => p.attributes['gen_ai.operation.name'] === 'chat' && p.attributes['gen_ai.provider.name'] === 'aws.bedrock')).toBe(true);
    const perChunk = metricPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk').reduce((n, p) => n + p.value.count, 0);
    expect(perChunk - before).toBe(seen.length - 1);
    expect(ttfc).toBeGreaterThan(0);
  });

  it('callback form and the aggregated client: the callback gets the observed stream; one span each', async () => {
    server.enqueue(events(converseTextStream(['cb'])), events(converseTextStream(['agg'])));
    const viaCallback = await new Promise<ConverseStreamCommandOutput>((resolve, reject) =>
      client().send(new ConverseStreamCommand(ask()), (err: unknown, data?: ConverseStreamCommandOutput) => (err ? reject(err) : resolve(data!))),
    );
    await collect(viaCallback.stream!);
    const viaAggregated = await aggregated().converseStream(ask());
    await collect(viaAggregated.stream!);

    expect(tel.spans().map((s) => contentAttribute(s, OUTPUT_MESSAGES))).toEqual([
      [{ role: 'assistant', parts: [{ type: 'text', content: 'cb' }], finish_reason: 'stop' }],
      [{ role: 'assistant', parts: [{ type: 'text', content: 'agg' }], finish_reason: 'stop' }],
    ]);
  });

  it('EVENT_ONLY: the details event carries the assembled output, the span none', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
    server.enqueue(events(converseTextStream(['ev', 'ent'])));
    await collect((await client().send(new ConverseStreamCommand(ask()))).stream!);

    const span = onlySpan(tel.spans());
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    const [details] = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(details!.attributes[OUTPUT_MESSAGES]).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'event' }], finish_reason: 'stop' }]);
    expect(details!.attributes['gen_ai.request.stream']).toBe(true);
  });

  it('a stream that ends without messageStop was cut off: finish reason error', async () => {
    server.enqueue(events([event('messageStart', { role: 'assistant' }), event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'cut' } })]));
    await collect((await client().send(new ConverseStreamCommand(ask()))).stream!);
    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
  });
});
