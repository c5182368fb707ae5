/* OpenAI's own attributes (`openai.*`), of requests, responses and stream chunks. */
import type { Attributes } from '@opentelemetry/api';
import type { Json, StreamAccumulator } from '../../core';
import { ATTR_OPENAI_REQUEST_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT } from '../../core/semconv';

export const OPENAI_RESPONSE_METRIC_KEYS = [ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT];

/** What serviceTierAttributes returns for a request without a tier: one shared object (for speed), never written to. */
export const NO_SERVICE_TIER: Attributes = Object.freeze({});

/** Conditionally required when the request sets a tier other than `auto` (the API's default). */
export function serviceTierAttributes(tier: unknown): Attributes {
  return typeof tier === 'string' && tier !== 'auto' ? { [ATTR_OPENAI_REQUEST_SERVICE_TIER]: tier } : NO_SERVICE_TIER;
}

/** `openai.response.service_tier` and `openai.response.system_fingerprint` from a response object. */
export function openaiResponseAttributes(r: Record<string, unknown>): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (typeof r.service_tier === 'string') attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = r.service_tier;
  if (typeof r.system_fingerprint === 'string') attrs[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = r.system_fingerprint;
  return attrs;
}

/** The `openai.response.*` attributes of a Chat Completions or Completions stream chunk. */
export function readOpenAIChunkAttributes(acc: StreamAccumulator, chunk: Json): void {
  // Every chunk repeats these; read them once, from the first chunk that has them.
  // Written in place: no object per chunk.
  const attrs = acc.attributes;
  if (attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] || attrs[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT]) return;
  if (typeof chunk.service_tier === 'string') attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = chunk.service_tier;
  if (typeof chunk.system_fingerprint === 'string') attrs[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = chunk.system_fingerprint;
}
