/*
 * embeddings.create through the real openai SDK against the loopback mock server. The SDK (5+) asks
 * for base64 on the wire when the caller set no encoding_format and decodes the float32 payload itself;
 * the span must describe what the caller asked for, and the app must get the decoded floats.
 */
import OpenAI from 'openai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MockOpenAIServer, apiError, json } from '../mock-servers/openai-server';
import { metricPoints, setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

/** Values exactly representable as float32, so decoding gives them back bit for bit. */
const VEC_A = [0.5, -0.25, 1, 0.125];
const VEC_B = [-1, 0.75, 0, 2];

const toBase64Float32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

function embeddingResponse(model: string, vectors: Array<number[] | string>, promptTokens: number) {
  return {
    object: 'list',
    model,
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function onlySpan(tel: TestTelemetry): ReadableSpan {
  const spans = tel.spans();
  expect(spans).toHaveLength(1);
  expect(spans[0]!.kind).toBe(SpanKind.CLIENT);
  return spans[0]!;
}

describe('openai embeddings', () => {
  const server = new MockOpenAIServer();
  let tel: TestTelemetry;
  let client: OpenAI;
  let base: Record<string, unknown>;

  beforeAll(async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    await server.start();
    // Content capture fully on: embeddings must still carry no content anywhere.
    tel = setupTelemetry({ captureMessageContent: 'SPAN_AND_EVENT' });
    client = new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
    base = {
      'gen_ai.operation.name': 'embeddings',
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
    server.requests.length = 0;
  });
  afterEach(() => {
    (server as unknown as { queue: unknown[] }).queue.length = 0;
  });

  it('default encoding: base64 on the wire, floats to the app, no encoding_formats attribute, dimension from the vector', async () => {
    server.enqueue(json(embeddingResponse('text-embedding-3-small', [toBase64Float32(VEC_A), toBase64Float32(VEC_B)], 8)));
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['secret one', 'secret two'] });

    expect(server.requests[0]!.path).toBe('/v1/embeddings');
    expect(server.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: ['secret one', 'secret two'], encoding_format: 'base64' });
    expect(result).toEqual(embeddingResponse('text-embedding-3-small', [VEC_A, VEC_B], 8));

    const span = onlySpan(tel);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).toEqual({
      ...base,
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.usage.input_tokens': 8,
    });
    // No content on the span, and no details event (it describes inference, not embeddings).
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(tel.logs()).toEqual([]);
  });

  it('caller-set encoding_format float is recorded; dimensions param wins over the vector length', async () => {
    server.enqueue(json(embeddingResponse('text-embedding-3-large-001', [VEC_A], 3)));
    const result = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'hello',
      encoding_format: 'float',
      dimensions: 4,
      user: 'user-1',
    });
    expect(server.requests[0]!.body).toEqual({ model: 'text-embedding-3-large', input: 'hello', encoding_format: 'float', dimensions: 4, user: 'user-1' });
    expect(result.data[0]!.embedding).toEqual(VEC_A);

    const span = onlySpan(tel);
    expect(span.name).toBe('embeddings text-embedding-3-large');
    expect(span.attributes).toEqual({
      ...base,
      'gen_ai.request.model': 'text-embedding-3-large',
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.response.model': 'text-embedding-3-large-001',
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.usage.input_tokens': 3,
    });
  });

  it('caller-set base64: the app gets the base64 string unchanged; dimension from the dimensions param', async () => {
    const b64 = toBase64Float32(VEC_B);
    server.enqueue(json(embeddingResponse('text-embedding-3-small', [b64], 2)));
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi', encoding_format: 'base64', dimensions: 256 });
    expect(server.requests[0]!.body.encoding_format).toBe('base64');
    expect(result.data[0]!.embedding).toBe(b64);

    const span = onlySpan(tel);
    expect(span.attributes).toEqual({
      ...base,
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.request.encoding_formats': ['base64'],
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.embeddings.dimension.count': 256,
      'gen_ai.usage.input_tokens': 2,
    });
  });

  it('records duration and input-only token usage metrics', async () => {
    server.enqueue(json(embeddingResponse('emb-metrics-resp', [toBase64Float32(VEC_A)], 17)));
    await client.embeddings.create({ model: 'emb-metrics', input: 'metrics' });

    const resourceMetrics = await tel.metrics();
    const metricBase = { ...base, 'gen_ai.request.model': 'emb-metrics', 'gen_ai.response.model': 'emb-metrics-resp' };
    const usage = metricPoints(resourceMetrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'emb-metrics');
    expect(usage.map((p) => ({ attributes: p.attributes, sum: p.value.sum, count: p.value.count }))).toEqual([
      { attributes: { ...metricBase, 'gen_ai.token.type': 'input' }, sum: 17, count: 1 },
    ]);
    const duration = metricPoints(resourceMetrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'emb-metrics');
    expect(duration.map((p) => p.attributes)).toEqual([metricBase]);
    expect(duration[0]!.value.count).toBe(1);
    // Not a stream: no chunk timing.
    const ttfc = metricPoints(resourceMetrics, 'gen_ai.client.operation.time_to_first_chunk').filter((p) => p.attributes['gen_ai.request.model'] === 'emb-metrics');
    expect(ttfc).toEqual([]);
  });

  it('an HTTP error is an error span and reaches the app unchanged', async () => {
    server.enqueue(apiError(400, 'Invalid input', 'invalid_request_error'));
    const err = await client.embeddings.create({ model: 'text-embedding-3-small', input: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    expect(span.attributes).toEqual({
      ...base,
      'gen_ai.request.model': 'text-embedding-3-small',
      'error.type': 'BadRequestError',
    });
  });
});
