/*
 * embeddings.create through the real openai SDK against the loopback mock server. The SDK (5+) asks
 * for base64 on the wire when the caller set no encoding_format and decodes the float32 payload itself;
 * the span must describe what the caller asked for, and the app must get the decoded floats.
 */
import OpenAI from 'openai';
import { SpanStatusCode } from '@opentelemetry/api';
import { apiError, json } from '../mock-servers/openai-server';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { onlyErrorSpan, onlySpan } from '../helpers/spans';

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

describe('openai embeddings', () => {
  // Content capture fully on: embeddings must still carry no content anywhere.
  const { server, tel, client, baseAttributes } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  /** The attributes of an embeddings call to `model`, plus `extra`. */
  const attributes = (model: string, extra: Record<string, unknown> = {}) => baseAttributes('embeddings', { 'gen_ai.request.model': model, ...extra });

  it('default encoding: base64 on the wire, floats to the app, no encoding_formats attribute, dimension from the vector', async () => {
    server.enqueue(json(embeddingResponse('text-embedding-3-small', [toBase64Float32(VEC_A), toBase64Float32(VEC_B)], 8)));
    const result = await client().embeddings.create({ model: 'text-embedding-3-small', input: ['secret one', 'secret two'] });

    expect(server.requests[0]!.path).toBe('/v1/embeddings');
    expect(server.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: ['secret one', 'secret two'], encoding_format: 'base64' });
    expect(result).toEqual(embeddingResponse('text-embedding-3-small', [VEC_A, VEC_B], 8));

    const span = onlySpan(tel);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).toEqual(
      attributes('text-embedding-3-small', {
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.embeddings.dimension.count': 4,
        'gen_ai.usage.input_tokens': 8,
      }),
    );
    // No content on the span, and no details event (it describes inference, not embeddings).
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(tel.logs()).toEqual([]);
  });

  it('caller-set encoding_format float is recorded; dimensions param wins over the vector length', async () => {
    server.enqueue(json(embeddingResponse('text-embedding-3-large-001', [VEC_A], 3)));
    const result = await client().embeddings.create({
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
    expect(span.attributes).toEqual(
      attributes('text-embedding-3-large', {
        'gen_ai.request.encoding_formats': ['float'],
        'gen_ai.response.model': 'text-embedding-3-large-001',
        'gen_ai.embeddings.dimension.count': 4,
        'gen_ai.usage.input_tokens': 3,
      }),
    );
  });

  it('caller-set base64: the app gets the base64 string unchanged; dimension from the dimensions param', async () => {
    const b64 = toBase64Float32(VEC_B);
    server.enqueue(json(embeddingResponse('text-embedding-3-small', [b64], 2)));
    const result = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hi', encoding_format: 'base64', dimensions: 256 });
    expect(server.requests[0]!.body.encoding_format).toBe('base64');
    expect(result.data[0]!.embedding).toBe(b64);

    const span = onlySpan(tel);
    expect(span.attributes).toEqual(
      attributes('text-embedding-3-small', {
        'gen_ai.request.encoding_formats': ['base64'],
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.embeddings.dimension.count': 256,
        'gen_ai.usage.input_tokens': 2,
      }),
    );
  });

  it('records duration and input-only token usage metrics', async () => {
    server.enqueue(json(embeddingResponse('emb-metrics-resp', [toBase64Float32(VEC_A)], 17)));
    await client().embeddings.create({ model: 'emb-metrics', input: 'metrics' });

    const resourceMetrics = await tel.metrics();
    const metricBase = attributes('emb-metrics', { 'gen_ai.response.model': 'emb-metrics-resp' });
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
    const err = await client().embeddings.create({ model: 'text-embedding-3-small', input: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);

    const span = onlyErrorSpan(tel, (err as Error).message);
    expect(span.attributes).toEqual(attributes('text-embedding-3-small', { 'error.type': 'BadRequestError' }));
  });
});
