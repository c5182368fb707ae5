/*
 * OpenAI-shaped embeddings requests and responses (openai's and groq-sdk's `embeddings.create`). Embeddings
 * carry no content attributes in the conventions.
 */
import type { CallTranslation, Endpoint, InvocationRequest, InvocationResponse, ResultTranslation } from '../../core';
// Hot-path values from their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { invocationRequest } from '../../core/endpoint';
import { asArray, asNumber, asObject, asString, type Json } from '../../core/readers';
import { tokenUsage } from './common';

export function embeddingsCall(body: Json, endpoint: Endpoint): CallTranslation {
  return new EmbeddingsCall(body, endpoint);
}

/**
 * One embeddings call: the translation and its result side in one object (results() returns it), so a
 * call allocates no closures and no object per side (for speed: embeddings calls are cheap and many).
 */
class EmbeddingsCall implements CallTranslation, ResultTranslation {
  readonly request: InvocationRequest;

  constructor(
    private readonly body: Json,
    endpoint: Endpoint,
  ) {
    // The SDK (5+) sends base64 on the wire when the caller set no format; record what the caller asked.
    const format = asString(body.encoding_format);
    this.request = invocationRequest('embeddings', asString(body.model), endpoint, { encodingFormats: format ? [format] : undefined });
  }

  results(): ResultTranslation {
    return this;
  }

  response(result: unknown): InvocationResponse {
    const r = asObject(result) ?? {};
    const first = asObject(asArray(r.data)[0])?.embedding;
    const dimensions = asNumber(this.body.dimensions) ?? (Array.isArray(first) ? first.length : undefined);
    const usage = tokenUsage(r.usage);
    return {
      responseModel: asString(r.model),
      usage: usage ? { inputTokens: usage.inputTokens } : undefined,
      embeddingsDimensionCount: dimensions,
    };
  }
}
