/*
 * OpenAI-shaped embeddings requests and responses (openai's and groq-sdk's `embeddings.create`). Embeddings
 * carry no content attributes in the conventions.
 */
import type { CallTranslation, Endpoint } from '../../core';
// Hot-path values from their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { requestIdentity } from '../../core/endpoint';
import { asArray, asNumber, asObject, asString, type Json } from '../../core/readers';
import { tokenUsage } from './common';

export function embeddingsCall(body: Json, endpoint: Endpoint): CallTranslation {
  // The SDK (5+) sends base64 on the wire when the caller set no format; record what the caller asked.
  const format = asString(body.encoding_format);
  return {
    request: {
      ...requestIdentity('embeddings', asString(body.model), endpoint),
      params: { encodingFormats: format ? [format] : undefined },
    },
    results: () => ({
      response(result) {
        const r = asObject(result) ?? {};
        const first = asObject(asArray(r.data)[0])?.embedding;
        const dimensions = asNumber(body.dimensions) ?? (Array.isArray(first) ? first.length : undefined);
        const usage = tokenUsage(r.usage);
        return {
          responseModel: asString(r.model),
          usage: usage ? { inputTokens: usage.inputTokens } : undefined,
          embeddingsDimensionCount: dimensions,
        };
      },
    }),
  };
}
