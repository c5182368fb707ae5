/* OpenAI request attributes shared by Chat Completions and Responses. */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_OPENAI_REQUEST_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT } from '../../core/semconv';

/** Conditionally required when the request sets a tier other than `auto` (the API's default). */
export function serviceTierAttributes(tier: unknown): Attributes {
  return typeof tier === 'string' && tier !== 'auto' ? { [ATTR_OPENAI_REQUEST_SERVICE_TIER]: tier } : {};
}

/** `openai.response.service_tier` and `openai.response.system_fingerprint` from a response object. */
export function openaiResponseAttributes(r: Record<string, unknown>): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (typeof r.service_tier === 'string') attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = r.service_tier;
  if (typeof r.system_fingerprint === 'string') attrs[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = r.system_fingerprint;
  return attrs;
}
