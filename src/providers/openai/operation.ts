import type { InvocationRequest, StreamAccumulator } from '../../core';
import type { Json } from '../../core';
import { openaiResponseAttributes } from './openai-attributes';
import type { ResultTranslator } from '../stainless/result-translator';
import type { Endpoint } from './endpoint';
import { ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT } from '../../core/semconv';

/** The translation for one patched SDK method: its request into the core model, and its results. */
export interface OpenAIOperation {
  request(body: Record<string, unknown>, endpoint: Endpoint): InvocationRequest;
  results(body: Record<string, unknown>, captureContent: boolean): ResultTranslator;
}

export const OPENAI_RESPONSE_METRIC_KEYS = [ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT];

/** The `openai.response.*` attributes of a Chat Completions or Completions stream chunk. */
export function readOpenAIChunkAttributes(acc: StreamAccumulator, chunk: Json): void {
  // Every chunk repeats these; read them once, from the first chunk that has them.
  if (!acc.attributes[ATTR_OPENAI_RESPONSE_SERVICE_TIER] && !acc.attributes[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT]) Object.assign(acc.attributes, openaiResponseAttributes(chunk));
}
