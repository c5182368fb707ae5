/* OpenAI request attributes shared by Chat Completions and Responses. */
import type { Attributes } from '@opentelemetry/api';

/** Conditionally required when the request sets a tier other than `auto` (the API's default). */
export function serviceTierAttributes(tier: unknown): Attributes {
  return typeof tier === 'string' && tier !== 'auto' ? { 'openai.request.service_tier': tier } : {};
}

/** `openai.response.service_tier` and `openai.response.system_fingerprint` from a response object. */
export function openaiResponseAttributes(r: Record<string, unknown>): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (typeof r.service_tier === 'string') attrs['openai.response.service_tier'] = r.service_tier;
  if (typeof r.system_fingerprint === 'string') attrs['openai.response.system_fingerprint'] = r.system_fingerprint;
  return attrs;
}
