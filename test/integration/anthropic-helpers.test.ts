/*
 * The @anthropic-ai/sdk helpers that send through messages.create / beta.messages.create (parse,
 * beta create and stream, the beta tool runner, sync and streamed), clients and context, and the policy for
 * the SDK's own OpenTelemetry spans (sdkTelemetry: 'suppress' by default, 'keep').
 */
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, context, diag, trace, type DiagLogger } from '@opentelemetry/api';
import { collect } from '../helpers/async';
import { ANTHROPIC, SDK_SCOPE, sdkSpans, useAnthropicTestbed, useTraceparentPropagator, type AnthropicTelemetry } from '../helpers/anthropic-testbed';
import { setupTelemetry } from '../helpers/telemetry';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, attributesWithoutContent, contentAttribute, onlySpan } from '../helpers/spans';
import { MODEL, baseAttributes, message, responseAttributes, streamEvents, textBlock, toolUseBlock, usage } from '../fixtures/anthropic';
import { json, sse } from '../mock-servers/anthropic-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jsonSchemaOutputFormat } = require('@anthropic-ai/sdk/helpers/json-schema') as typeof import('@anthropic-ai/sdk/helpers/json-schema');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { betaTool } = require('@anthropic-ai/sdk/helpers/beta/json-schema') as typeof import('@anthropic-ai/sdk/helpers/beta/json-schema');

const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

const user = (content: string) => ({ role: 'user' as const, content });
const params = (content = 'hi') => ({ model: MODEL, max_tokens: 256, messages: [user(content)] });

/** A runnable tool for the tool runner, and what the runner sends back. */
function weatherTool(calls: unknown[] = []) {
  return betaTool({
    name: 'get_weather',
    description: 'Current weather',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } as const,
    run: async (input) => {
      calls.push(input);
      return `rainy in ${(input as { city: string }).city}`;
    },
  });
}
const toolTurn = (id: string) => message({ id, content: [toolUseBlock('toolu_w', 'get_weather', { city: 'Paris' })], stop_reason: 'tool_use', usage: usage(40, 10) });
const finalTurn = (id: string) => message({ id, content: [textBlock('It is rainy in Paris.')], usage: usage(60, 8) });

describe('messages.parse', () => {
  it('returns the parsed output and records one chat span with output type json', async () => {
    server.enqueue(json(message({ id: 'msg_parse', content: [textBlock('{"city":"Paris","temp":14}')] })));
    const parsed = await client().messages.parse({
      ...params('Weather as JSON'),
      output_config: {
        format: jsonSchemaOutputFormat({ type: 'object', properties: { city: { type: 'string' }, temp: { type: 'number' } }, required: ['city', 'temp'] }),
      },
    });
    expect(parsed.parsed_output).toEqual({ city: 'Paris', temp: 14 });
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.output.type': 'json',
      ...responseAttributes({ id: 'msg_parse' }),
    });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: '{"city":"Paris","temp":14}' }], finish_reason: 'stop' },
    ]);
  });
});

describe('beta.messages', () => {
  it('beta.messages.create records one chat span like messages.create, and sends the betas header', async () => {
    server.enqueue(json(message({ id: 'msg_beta' })));
    const result = await client().beta.messages.create({ ...params(), betas: ['context-management-2025-06-27'] });
    expect(result.id).toBe('msg_beta');
    expect(server.requests[0]!.headers['anthropic-beta']).toContain('context-management-2025-06-27');
    expect(attributesWithoutContent(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      ...responseAttributes({ id: 'msg_beta' }),
    });
  });

  it('beta.messages.create with stream: true, and beta.messages.stream(): one span each', async () => {
    server.enqueue(sse(streamEvents(message({ id: 'msg_bs1', content: [textBlock('one')] }))), sse(streamEvents(message({ id: 'msg_bs2', content: [textBlock('two')] }))));
    await collect(await client().beta.messages.create({ ...params(), stream: true }));
    const final = await client().beta.messages.stream(params()).finalMessage();
    expect(final.content).toEqual([textBlock('two')]);
    const spans = tel.spans();
    expect(spans.map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_bs1', 'msg_bs2']);
    for (const span of spans) expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(contentAttribute(spans[1]!, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'two' }], finish_reason: 'stop' }]);
  });

  it('a fallback block (beta) makes its target model the response model', async () => {
    server.enqueue(
      json(
        message({
          model: 'claude-opus-5-20261015',
          content: [{ type: 'fallback', from: { model: 'claude-opus-5-20261015' }, to: { model: 'claude-sonnet-5-20261001' }, trigger: { type: 'refusal' } }, textBlock('ok')],
        }),
      ),
    );
    await client().beta.messages.create(params());
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.model']).toBe('claude-sonnet-5-20261001');
  });
});

describe('beta.messages.toolRunner', () => {
  it('two HTTP calls → two chat spans, each with its own turn; the tool ran once', async () => {
    const calls: unknown[] = [];
    server.enqueue(json(toolTurn('msg_t1')), json(finalTurn('msg_t2')));
    const final = await client().beta.messages.toolRunner({ ...params('Weather in Paris?'), tools: [weatherTool(calls)] });

    expect(final.content).toEqual([textBlock('It is rainy in Paris.')]);
    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(server.requests).toHaveLength(2);
    const spans = tel.spans();
    expect(spans.map((s) => [s.name, s.attributes['gen_ai.response.id'], s.attributes['gen_ai.response.finish_reasons']])).toEqual([
      [`chat ${MODEL}`, 'msg_t1', ['tool_call']],
      [`chat ${MODEL}`, 'msg_t2', ['stop']],
    ]);
    expect(contentAttribute(spans[0]!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_w', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
    ]);
    // The second turn carries the tool result (the whole history, or only the new messages on a 1.x message thread).
    const secondInput = contentAttribute(spans[1]!, INPUT_MESSAGES) as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    expect(secondInput.at(-1)).toEqual({ role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_w', response: 'rainy in Paris' }] });
    expect(server.requests[1]!.body.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_w', content: 'rainy in Paris' }] });
  });

  it('streamed: two HTTP calls → two streamed chat spans with the assembled turns, and the same result as without instrumentation', async () => {
    const run = async () => {
      server.enqueue(sse(streamEvents(toolTurn('msg_s1'), { pieceSize: 3 })), sse(streamEvents(finalTurn('msg_s2'))));
      const runner = client().beta.messages.toolRunner({ ...params('Weather in Paris?'), tools: [weatherTool()], stream: true });
      const texts: string[] = [];
      for await (const stream of runner) for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') texts.push(event.delta.text);
      return { final: await runner.runUntilDone(), text: texts.join('') };
    };
    const instrumented = await run();
    const spans = tel.spans();
    tel.instrumentation.disable();
    let plain: Awaited<ReturnType<typeof run>>;
    try {
      plain = await run();
    } finally {
      tel.instrumentation.enable();
    }
    expect(instrumented.text).toBe('It is rainy in Paris.');
    expect(instrumented).toEqual(plain);
    expect(tel.spans()).toHaveLength(2);
    expect(spans.map((s) => [s.attributes['gen_ai.response.id'], s.attributes['gen_ai.response.finish_reasons'], s.attributes['gen_ai.request.stream']])).toEqual([
      ['msg_s1', ['tool_call'], true],
      ['msg_s2', ['stop'], true],
    ]);
    for (const span of spans) expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(spans[0]!.attributes['gen_ai.usage.input_tokens']).toBe(40);
    expect(contentAttribute(spans[0]!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_w', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
    ]);
    expect(contentAttribute(spans[1]!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is rainy in Paris.' }], finish_reason: 'stop' },
    ]);
  });
});

/** Message threads (1.x): their streamed turns parse the raw response themselves (`_responseProps()`). */
const hasThreads = typeof (Anthropic.Beta.Messages.prototype as unknown as Record<string, unknown>).thread === 'function';
/** On 0.x (no threads) each thread test becomes a check that the SDK really is a 0.x: nothing to skip. */
const sdkMajor = String((require('@anthropic-ai/sdk/version') as { VERSION: string }).VERSION).split('.')[0];
const itWithThreads = hasThreads
  ? it
  : (name: string, _fn: () => Promise<void>) => it(`${name}: not applicable, 0.x has no beta.messages.thread`, () => expect(sdkMajor).toBe('0'));

describe('beta.messages.thread (1.x)', () => {
  const thread = () => (client().beta.messages as any).thread({ model: MODEL, max_tokens: 256 });

  itWithThreads('send() and stream() turns: one span each, the threaded request fields as sent', async () => {
    server.enqueue(json(message({ id: 'msg_th1' })), sse(streamEvents(message({ id: 'msg_th2', content: [textBlock('second')] }))));
    const t = thread();
    await t.send(user('first'));
    const final = await t.stream(user('again')).finalMessage();
    expect(final.content).toEqual([textBlock('second')]);
    const [first, second] = tel.spans();
    expect(first!.attributes['gen_ai.response.id']).toBe('msg_th1');
    expect(attributesWithoutContent(second!)).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.stream': true,
      ...responseAttributes({ id: 'msg_th2' }),
    });
    // The second request continues the thread: only the new message is sent, and recorded.
    expect(server.requests[1]!.body.thread).toEqual({ type: 'continue', previous_message_id: 'msg_th1' });
    expect(contentAttribute(second!, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'again' }] }]);
    expect(contentAttribute(second!, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'second' }], finish_reason: 'stop' }]);
  });

  itWithThreads('a streamed turn aborted mid-way ends its span once, not as an error, with the partial output', async () => {
    const text = Array.from({ length: 20 }, (_, i) => `w${i} `).join('');
    server.enqueue(sse(streamEvents(message({ id: 'msg_tha', content: [textBlock(text)] }), { pieceSize: 3 }), { delayMs: 15 }));
    const stream = thread().stream(user('long'));
    let deltas = 0;
    stream.on('text', () => {
      if (++deltas === 2) stream.abort();
    });
    await stream.done().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(0);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    const output = contentAttribute(span, OUTPUT_MESSAGES) as Array<{ parts: Array<{ content: string }> }>;
    expect(output[0]!.parts[0]!.content.startsWith('w0 w1 ')).toBe(true);
  });

  itWithThreads('an error event in a streamed turn: the app gets the SDK APIError, the span is ERROR with error.type APIError', async () => {
    const events = streamEvents(message({ id: 'msg_the', content: [textBlock('abc')] }), { truncateAfterBlocks: true }).slice(0, 3);
    server.enqueue(sse([...events, { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }]));
    const error = await thread().stream(user('x')).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: 2, message: (error as Error).message });
    expect(span.attributes['error.type']).toBe('APIError');
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'abc' }], finish_reason: 'error' }]);
  });
});

describe('clients and context', () => {
  it('a span the app has active is the parent of the chat span; a streamed call too', async () => {
    server.enqueue(json(message()), sse(streamEvents(message())));
    const parent = tel.tracerProvider.getTracer('app').startSpan('handle-request');
    const stream = await context.with(trace.setSpan(context.active(), parent), async () => {
      await client().messages.create(params());
      return client().messages.create({ ...params(), stream: true });
    });
    await collect(stream);
    parent.end();
    const chats = tel.spans();
    expect(chats).toHaveLength(2);
    for (const span of chats) {
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
  });

  it('a withOptions() copy and a subclass of the client are instrumented too', async () => {
    class MyClient extends Anthropic {}
    server.enqueue(json(message({ id: 'msg_copy' })), json(message({ id: 'msg_sub' })));
    await client().withOptions({ timeout: 5_000 }).messages.create(params());
    await new MyClient({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0 }).messages.create(params());
    expect(tel.spans().map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_copy', 'msg_sub']);
  });

  it('disable() unpatches and enable() re-patches the manually instrumented module', async () => {
    server.enqueue(json(message()), json(message()));
    tel.instrumentation.disable();
    try {
      await client().messages.create(params());
      expect(tel.spans()).toEqual([]);
    } finally {
      tel.instrumentation.enable();
    }
    await client().messages.create(params());
    expect(tel.spans()).toHaveLength(1);
  });
});

describe("the SDK's own OpenTelemetry spans", () => {
  useTraceparentPropagator();

  /** A client whose native tracing records into the test's tracer provider (as a registered provider would). */
  const tracedClient = (extra: Record<string, unknown> = {}) => client({ openTelemetry: { tracerProvider: tel.tracerProvider, ...extra } } as never);

  it('suppress (default): create, stream: true, messages.stream(), parse and beta create give one span each, ours', async () => {
    server.enqueue(
      json(message({ id: 'msg_n1' })),
      sse(streamEvents(message({ id: 'msg_n2' }))),
      sse(streamEvents(message({ id: 'msg_n3' }))),
      json(message({ id: 'msg_n4' })),
      json(message({ id: 'msg_n5' })),
    );
    const c = tracedClient();
    await c.messages.create(params());
    await collect(await c.messages.create({ ...params(), stream: true }));
    await c.messages.stream(params()).finalMessage();
    await c.messages.parse(params());
    await c.beta.messages.create(params());

    expect(sdkSpans(tel)).toEqual([]);
    const all = tel.allSpans();
    expect(all.map((s) => [s.instrumentationScope.name, s.attributes['gen_ai.response.id']])).toEqual(
      ['msg_n1', 'msg_n2', 'msg_n3', 'msg_n4', 'msg_n5'].map((id) => ['opentelemetry-instrumentation-genai/anthropic', id]),
    );
  });

  it('suppress: the SDK still sends the trace context, which is our span', async () => {
    server.enqueue(json(message()), sse(streamEvents(message())));
    const c = tracedClient();
    await c.messages.create(params());
    await c.messages.stream(params()).finalMessage();
    const spans = tel.spans();
    expect(spans).toHaveLength(2);
    spans.forEach((span, i) => {
      const { traceId, spanId } = span.spanContext();
      expect(server.requests[i]!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    });
  });

  it('suppress with a globally registered tracer provider and a default client (the usual setup)', async () => {
    trace.setGlobalTracerProvider(tel.tracerProvider);
    try {
      server.enqueue(json(message({ id: 'msg_g1' })), sse(streamEvents(message({ id: 'msg_g2' }))));
      const c = client(); // constructed after the registration: it takes its tracer from the global provider
      await c.messages.create(params());
      await c.messages.stream(params()).finalMessage();
      // The SDK's spans of calls this package does not record stay: count_tokens here.
      server.enqueue(json({ input_tokens: 7 }));
      await c.messages.countTokens(params());
    } finally {
      trace.disable();
    }
    expect(tel.spans().map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_g1', 'msg_g2']);
    expect(sdkSpans(tel).map((s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
  });

  it("suppress: the tool runner's own spans stay and parent our chat spans", async () => {
    server.enqueue(json(toolTurn('msg_r1')), json(finalTurn('msg_r2')));
    await tracedClient().beta.messages.toolRunner({ ...params('Weather?'), tools: [weatherTool()] });
    const chats = tel.spans();
    expect(chats.map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_r1', 'msg_r2']);
    const sdk = sdkSpans(tel);
    expect(sdk.some((s) => s.name === 'anthropic.messages.create')).toBe(false);
    const runnerSpan = sdk.find((s) => s.name === 'anthropic.messages.tool_runner');
    expect(runnerSpan?.attributes['gen_ai.operation.name']).toBe('invoke_agent');
    for (const chat of chats) expect(chat.parentSpanContext?.spanId).toBe(runnerSpan!.spanContext().spanId);
    expect(sdk.find((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool')?.attributes['gen_ai.tool.name']).toBe('get_weather');
  });

  describe("sdkTelemetry: 'keep'", () => {
    let keep: AnthropicTelemetry;
    beforeEach(() => {
      keep = setupTelemetry(ANTHROPIC, { sdkTelemetry: 'keep', captureMessageContent: 'SPAN_ONLY' });
    });
    afterEach(() => keep.shutdown());
    const keptClient = (extra: Record<string, unknown> = {}) => client({ openTelemetry: { tracerProvider: keep.tracerProvider, ...extra } } as never);

    it("keeps the SDK's metadata-only span, as a child of ours, with no content", async () => {
      server.enqueue(json(message({ id: 'msg_k1' })));
      await keptClient().messages.create(params());
      const ours = onlySpan(keep.spans());
      const [sdkSpan] = sdkSpans(keep);
      expect(sdkSpan!.name).toBe('anthropic.messages.create');
      expect(sdkSpan!.kind).toBe(SpanKind.CLIENT);
      expect(sdkSpan!.instrumentationScope.name).toBe(SDK_SCOPE);
      expect(sdkSpan!.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
      expect(sdkSpan!.attributes['gen_ai.provider.name']).toBe('anthropic');
      expect(Object.keys(sdkSpan!.attributes).filter((k) => k.includes('messages') || k.includes('instructions'))).toEqual([]);
      // The SDK's span is the one it sends the trace context of.
      expect(server.requests[0]!.headers.traceparent).toBe(`00-${sdkSpan!.spanContext().traceId}-${sdkSpan!.spanContext().spanId}-01`);
    });

    it("suppresses a client whose SDK spans would record content, and says so once", async () => {
      const warnings: string[] = [];
      const logger: DiagLogger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} };
      diag.setLogger(logger);
      try {
        server.enqueue(json(message()), json(message()));
        const c = keptClient({ traces: { contentMode: 'content' } });
        await c.messages.create(params('private question'));
        await c.messages.create(params('another'));
      } finally {
        diag.disable();
      }
      expect(sdkSpans(keep)).toEqual([]);
      expect(keep.spans()).toHaveLength(2);
      expect(warnings.filter((w) => w.includes('sdkTelemetry'))).toHaveLength(1);
      expect(JSON.stringify(keep.allSpans().map((s) => s.attributes))).not.toContain('"private question"');
    });
  });
});
