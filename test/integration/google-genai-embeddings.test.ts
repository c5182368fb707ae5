/*
 * models.embedContent through the real @google/genai SDK against the loopback Gemini mock server: the
 * Gemini API (batchEmbedContents) and Vertex AI (predict, with per-embedding token statistics). No content
 * is ever recorded for embeddings, and no details event.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { metricPoints } from '../helpers/telemetry';
import { captureRejection } from '../helpers/async';
import { onlyErrorSpan, onlySpan } from '../helpers/spans';
import { geminiError, json } from '../mock-servers/gemini-server';
import { EMBEDDING_MODEL } from '../fixtures/gemini';

describe('embedContent', () => {
  const { server, tel, client, vertexClient, baseAttributes } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  it('Gemini API: one span `embeddings {model}`, dimension from the vector, no content, no event', async () => {
    server.enqueue(json({ embeddings: [{ values: [0.5, -0.25, 1] }, { values: [1, 0, 0] }] }));
    const result = await client().models.embedContent({ model: EMBEDDING_MODEL, contents: ['secret one', 'secret two'] });

    expect(result.embeddings?.map((e) => e.values)).toEqual([
      [0.5, -0.25, 1],
      [1, 0, 0],
    ]);
    expect(server.requests.map((r) => r.action)).toEqual(['batchEmbedContents']);
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`embeddings ${EMBEDDING_MODEL}`);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.attributes).toEqual({ ...baseAttributes('embeddings', EMBEDDING_MODEL), 'gen_ai.embeddings.dimension.count': 3 });
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(tel.logs()).toEqual([]);
  });

  it('outputDimensionality is the dimension count; usageMetadata gives the input tokens (where the SDK passes it on)', async () => {
    server.enqueue(json({ embeddings: [{ values: [1, 2] }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } }));
    const result = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: 'hello',
      config: { outputDimensionality: 2, taskType: 'RETRIEVAL_QUERY' },
    });
    // 1.x drops the API's usageMetadata from EmbedContentResponse; 2.x+ keeps it.
    const reported = (result as { usageMetadata?: unknown }).usageMetadata !== undefined;
    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes('embeddings', 'gemini-embedding-001'),
      'gen_ai.embeddings.dimension.count': 2,
      ...(reported ? { 'gen_ai.usage.input_tokens': 5 } : {}),
    });
    const tokens = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.operation.name'], p.attributes['gen_ai.token.type'], p.value.sum])).toEqual(
      reported ? [['embeddings', 'input', 5]] : [],
    );
  });

  it('Vertex AI: provider gcp.vertex_ai, input tokens summed from the per-embedding statistics', async () => {
    server.enqueue(
      json({
        predictions: [
          { embeddings: { values: [1, 2, 3, 4], statistics: { token_count: 3, truncated: false } } },
          { embeddings: { values: [4, 3, 2, 1], statistics: { token_count: 4, truncated: false } } },
        ],
        metadata: { billableCharacterCount: 20 },
      }),
    );
    await vertexClient().models.embedContent({ model: EMBEDDING_MODEL, contents: ['a b c', 'd e f g'] });
    expect(server.requests.map((r) => `${r.api} ${r.action}`)).toEqual(['vertex predict']);
    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes('embeddings', EMBEDDING_MODEL, 'gcp.vertex_ai'),
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.usage.input_tokens': 7,
    });
  });

  it('an API error: the span fails with the Google error code', async () => {
    server.enqueue(geminiError(404, 'models/nope is not found', 'NOT_FOUND'));
    const error = await captureRejection(client().models.embedContent({ model: 'nope', contents: 'x' }));
    expect(onlyErrorSpan(tel.spans(), error.message).attributes['error.type']).toBe('NOT_FOUND');
  });
});
