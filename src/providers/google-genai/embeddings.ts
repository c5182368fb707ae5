/* models.embedContent. Embeddings carry no content attributes in the conventions. */
import { asArray, asNumber, asObject, asString, type InvocationRequest, type InvocationResponse, type Json, requestIdentity } from '../../core';
import type { Endpoint } from './endpoint';

export function embedContentRequest(params: Json, endpoint: Endpoint): InvocationRequest {
  return {
    ...requestIdentity('embeddings', asString(params.model), endpoint),
    params: {},
  };
}

/**
 * Dimension: the requested `outputDimensionality`, else the length of the first vector. Input tokens:
 * `usageMetadata.promptTokenCount` where the API reports it, else the sum of the per-embedding
 * `statistics.tokenCount` Vertex AI reports; the Gemini API's batchEmbedContents reports none.
 */
export function embedContentResponse(params: Json, result: unknown): InvocationResponse {
  const r = asObject(result) ?? {};
  const embeddings = asArray(r.embeddings).map(asObject);
  const first = embeddings[0]?.values;
  const dimensions = asNumber(asObject(params.config)?.outputDimensionality) ?? (Array.isArray(first) ? first.length : undefined);
  let inputTokens = asNumber(asObject(r.usageMetadata)?.promptTokenCount);
  if (inputTokens === undefined) {
    const counts = embeddings.map((e) => asNumber(asObject(e?.statistics)?.tokenCount));
    if (counts.length > 0 && counts.every((n) => n !== undefined)) inputTokens = counts.reduce<number>((sum, n) => sum + n!, 0);
  }
  return {
    usage: inputTokens === undefined ? undefined : { inputTokens },
    embeddingsDimensionCount: dimensions,
  };
}
