/* embeddings.create. Embeddings carry no content attributes in the conventions. */
import { asArray, asNumber, asObject, asString, requestIdentity } from '../../core';
import { tokenUsage } from '../openai-shaped/common';
import type { GroqOperation } from './operation';

export const embeddingsOperation: GroqOperation = {
  request(body, endpoint) {
    const format = asString(body.encoding_format);
    return {
      ...requestIdentity('embeddings', asString(body.model), endpoint),
      params: { encodingFormats: format ? [format] : undefined },
    };
  },

  results(body) {
    return {
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
    };
  },
};
