/* OpenAI request attributes shared by Chat Completions and Responses. */
import type { Attributes } from '@opentelemetry/api';

/** Conditionally required when the request sets a tier other than `auto` (the API's default). */
export function serviceTierAttributes(tier: unknown): Attributes {
  return typeof tier === 'string' && tier !== 'auto' ? { 'openai.request.service_tier': tier } : {};
}

/**
 * `reasoning_effort` / `reasoning.effort`. v1.41 has no attribute for it; the genai conventions' main
 * branch adds `gen_ai.request.reasoning.level` for exactly this value, so we use that name.
 */
export function reasoningLevelAttribute(effort: unknown): Attributes {
  return typeof effort === 'string' ? { 'gen_ai.request.reasoning.level': effort } : {};
}

/** `openai.response.service_tier` and `openai.response.system_fingerprint` from a response object. */
export function openaiResponseAttributes(r: Record<string, unknown>): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (typeof r.service_tier === 'string') attrs['openai.response.service_tier'] = r.service_tier;
  if (typeof r.system_fingerprint === 'string') attrs['openai.response.system_fingerprint'] = r.system_fingerprint;
  return attrs;
}
