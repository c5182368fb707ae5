/*
 * `embed` and `embedMany` (the AI SDK's `embed` / `embedMany` telemetry events) as one `embeddings {model}`
 * call each. embedMany may split its values over several EmbeddingModel `doEmbed` requests (the model's
 * `maxEmbeddingsPerCall`): the AI SDK publishes the call, not each request, so they are one span.
 */
import type { CallTranslation, InvocationResponse, ResultTranslation } from '../../core';
import { asArray, asNumber, asObject, asString } from '../../core';
import { providerAndServer } from './provider-name';

/** `event.url`: the model's base URL, when known at the start (see modelCall). */
export function embeddingsCall(event: unknown): CallTranslation<ResultTranslation> {
  const e = asObject(event) ?? {};
  return {
    request: { operation: 'embeddings', ...providerAndServer(asString(e.provider), asString(e.url)), requestModel: asString(e.modelId), params: {} },
    results: () => ({ response: embeddingsResponse }),
  };
}

function embeddingsResponse(result: unknown): InvocationResponse {
  const r = asObject(result) ?? {};
  const response: InvocationResponse = {};
  const tokens = asNumber(asObject(r.usage)?.tokens);
  if (tokens !== undefined) response.usage = { inputTokens: tokens };
  const first = Array.isArray(r.embedding) ? r.embedding : asArray(r.embeddings)[0];
  if (Array.isArray(first)) response.embeddingsDimensionCount = first.length;
  // The provider's response body, when it names the model (OpenAI-shaped bodies do); embedMany: its first response.
  const meta = asObject(r.response) ?? asObject(asArray(r.responses)[0]);
  const model = asString(asObject(meta?.body)?.model) ?? asString(meta?.modelId);
  if (model) response.responseModel = model;
  return response;
}
