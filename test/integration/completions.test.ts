/*
 * Legacy completions.create (text_completion) through the real openai SDK against the loopback mock
 * server: non-streamed and streamed, prompt string and array, several choices, usage.
 */
import OpenAI from 'openai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MockOpenAIServer, apiError, json, sse } from '../mock-servers/openai-server';
import { metricPoints, setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

const CONTENT_KEYS = ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.definitions'];
const TTFC = 'gen_ai.response.time_to_first_chunk';

function onlySpan(tel: TestTelemetry): ReadableSpan {
  const spans = tel.spans();
  expect(spans).toHaveLength(1);
  expect(spans[0]!.kind).toBe(SpanKind.CLIENT);
  return spans[0]!;
}

function parsedAttributes(span: ReadableSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(span.attributes)) out[k] = CONTENT_KEYS.includes(k) ? JSON.parse(v as string) : v;
  return out;
}

function takeTtfc(span: ReadableSpan, attrs: Record<string, unknown>): void {
  const ttfc = attrs[TTFC];
  expect(typeof ttfc).toBe('number');
  expect(ttfc as number).toBeGreaterThan(0);
  // TTFC is timed from just before the span starts (different clocks): allow a few ms of skew.
  expect(ttfc as number).toBeLessThanOrEqual(span.duration[0] + span.duration[1] / 1e9 + 0.005);
  delete attrs[TTFC];
}

function completion(fields: { id: string; model: string; choices: Array<{ text: string; finish_reason: string | null }>; usage?: [number, number]; fingerprint?: string }) {
  return {
    id: fields.id,
    object: 'text_completion',
    created: 1_741_476_542,
    model: fields.model,
    ...(fields.fingerprint ? { system_fingerprint: fields.fingerprint } : {}),
    choices: fields.choices.map((c, index) => ({ text: c.text, index, logprobs: null, finish_reason: c.finish_reason })),
    ...(fields.usage ? { usage: { prompt_tokens: fields.usage[0], completion_tokens: fields.usage[1], total_tokens: fields.usage[0] + fields.usage[1] } } : {}),
  };
}

function chunk(id: string, model: string, index: number, text: string, finish: string | null) {
  return { id, object: 'text_completion', created: 1_741_476_542, model, choices: [{ text, index, logprobs: null, finish_reason: finish }] };
}

describe('openai legacy completions', () => {
  const server = new MockOpenAIServer();
  let tel: TestTelemetry;
  let client: OpenAI;
  let base: Record<string, unknown>;

  beforeAll(async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    await server.start();
    tel = setupTelemetry({ captureMessageContent: 'SPAN_ONLY' });
    client = new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
    base = {
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'openai',
      'server.address': '127.0.0.1',
      'server.port': server.port,
    };
  });
  afterAll(async () => {
    try {
      await tel.shutdown();
    } finally {
      await server.stop();
    }
  });
  beforeEach(() => {
    tel.reset();
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY' });
    server.requests.length = 0;
  });
  afterEach(() => {
    (server as unknown as { queue: unknown[] }).queue.length = 0;
  });

  it('non-streamed, prompt string, two choices: all request params, finish reasons per choice, usage, content', async () => {
    const body = completion({
      id: 'cmpl-001',
      model: 'gpt-3.5-turbo-instruct-0914',
      fingerprint: 'fp_legacy',
      choices: [
        { text: ' Paris.', finish_reason: 'stop' },
        { text: ' The capital of France is', finish_reason: 'length' },
      ],
      usage: [7, 9],
    });
    server.enqueue(json(body));
    const result = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'The capital of France is',
      n: 2,
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.95,
      frequency_penalty: 0.1,
      presence_penalty: -0.2,
      seed: 42,
      stop: ['\n'],
    });
    expect(result).toEqual(body);
    expect(server.requests[0]!.path).toBe('/v1/completions');

    const span = onlySpan(tel);
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(parsedAttributes(span)).toEqual({
      ...base,
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.max_tokens': 5,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.95,
      'gen_ai.request.frequency_penalty': 0.1,
      'gen_ai.request.presence_penalty': -0.2,
      'gen_ai.request.seed': 42,
      'gen_ai.request.stop_sequences': ['\n'],
      'gen_ai.response.id': 'cmpl-001',
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct-0914',
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 9,
      'openai.response.system_fingerprint': 'fp_legacy',
      'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'The capital of France is' }] }],
      'gen_ai.output.messages': [
        { role: 'assistant', parts: [{ type: 'text', content: ' Paris.' }], finish_reason: 'stop' },
        { role: 'assistant', parts: [{ type: 'text', content: ' The capital of France is' }], finish_reason: 'length' },
      ],
    });

    const points = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage').filter(
      (p) => p.attributes['gen_ai.response.id'] === undefined && p.attributes['gen_ai.response.model'] === 'gpt-3.5-turbo-instruct-0914',
    );
    const metricBase = {
      ...base,
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct-0914',
      'openai.response.system_fingerprint': 'fp_legacy',
    };
    expect(points.map((p) => ({ attributes: p.attributes, sum: p.value.sum }))).toEqual([
      { attributes: { ...metricBase, 'gen_ai.token.type': 'input' }, sum: 7 },
      { attributes: { ...metricBase, 'gen_ai.token.type': 'output' }, sum: 9 },
    ]);
  });

  it('non-streamed, prompt array: one input message per prompt, single stop string', async () => {
    const body = completion({ id: 'cmpl-002', model: 'davinci-002', choices: [{ text: 'A', finish_reason: 'stop' }, { text: 'B', finish_reason: 'stop' }], usage: [4, 2] });
    server.enqueue(json(body));
    const result = await client.completions.create({ model: 'davinci-002', prompt: ['first prompt', 'second prompt'], stop: 'END' });
    expect(result.choices.map((c) => c.text)).toEqual(['A', 'B']);

    const span = onlySpan(tel);
    expect(parsedAttributes(span)).toEqual({
      ...base,
      'gen_ai.request.model': 'davinci-002',
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.id': 'cmpl-002',
      'gen_ai.response.model': 'davinci-002',
      'gen_ai.response.finish_reasons': ['stop', 'stop'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.input.messages': [
        { role: 'user', parts: [{ type: 'text', content: 'first prompt' }] },
        { role: 'user', parts: [{ type: 'text', content: 'second prompt' }] },
      ],
      'gen_ai.output.messages': [
        { role: 'assistant', parts: [{ type: 'text', content: 'A' }], finish_reason: 'stop' },
        { role: 'assistant', parts: [{ type: 'text', content: 'B' }], finish_reason: 'stop' },
      ],
    });
  });

  it('streamed with usage: interleaved choices assembled per index, TTFC, the app sees every chunk unchanged', async () => {
    const m = 'gpt-3.5-turbo-instruct-0914';
    const chunks = [
      chunk('cmpl-101', m, 0, 'Hel', null),
      chunk('cmpl-101', m, 1, 'Bon', null),
      chunk('cmpl-101', m, 1, 'jour', 'stop'),
      chunk('cmpl-101', m, 0, 'lo', null),
      chunk('cmpl-101', m, 0, ' there', 'length'),
      { id: 'cmpl-101', object: 'text_completion', created: 1_741_476_542, model: m, choices: [], usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 } },
    ];
    server.enqueue(sse(chunks));
    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hello',
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const seen: unknown[] = [];
    for await (const c of stream) seen.push(c);
    expect(seen).toEqual(chunks);

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    const attrs = parsedAttributes(span);
    takeTtfc(span, attrs);
    expect(attrs).toEqual({
      ...base,
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'cmpl-101',
      'gen_ai.response.model': m,
      'gen_ai.response.finish_reasons': ['length', 'stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }],
      'gen_ai.output.messages': [
        { role: 'assistant', parts: [{ type: 'text', content: 'Hello there' }], finish_reason: 'length' },
        { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'stop' },
      ],
    });
  });

  it('a stream cut off before any finish reason: output message says error; no usage without include_usage', async () => {
    const m = 'gpt-3.5-turbo-instruct';
    server.enqueue(sse([chunk('cmpl-102', m, 0, 'Once', null), chunk('cmpl-102', m, 0, ' upon', null)], { done: false }));
    const stream = await client.completions.create({ model: m, prompt: 'Tell a story', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.text ?? '';
    expect(text).toBe('Once upon');

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    const attrs = parsedAttributes(span);
    takeTtfc(span, attrs);
    expect(attrs).toEqual({
      ...base,
      'gen_ai.request.model': m,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'cmpl-102',
      'gen_ai.response.model': m,
      // The stream ran to its end (no abort, no error) without any finish reason, as some
      // OpenAI-compatible servers do: finish_reasons stays unset rather than claiming an error. The
      // output message still needs a finish_reason (required by the schema) and says 'error'.
      // Interrupted streams (break, abort, error) do report ['error']: see chat-streaming.test.ts.
      'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Tell a story' }] }],
      'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Once upon' }], finish_reason: 'error' }],
    });
  });

  it('capture off: no content attributes; streamed text is not kept', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    const m = 'gpt-3.5-turbo-instruct';
    server.enqueue(sse([chunk('cmpl-103', m, 0, 'secret', 'stop')]));
    const stream = await client.completions.create({ model: m, prompt: 'secret prompt', stream: true });
    for await (const _c of stream) {
      // drain
    }
    const span = onlySpan(tel);
    const attrs = { ...span.attributes };
    takeTtfc(span, attrs);
    expect(attrs).toEqual({
      ...base,
      'gen_ai.request.model': m,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'cmpl-103',
      'gen_ai.response.model': m,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('an HTTP error is an error span; the app gets the SDK error', async () => {
    server.enqueue(apiError(500, 'Server exploded', 'server_error'));
    const err = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    expect(parsedAttributes(span)).toEqual({
      ...base,
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      'error.type': 'InternalServerError',
      'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'x' }] }],
    });
  });
});
