/*
 * groq-sdk's recorded calls on the wire, for the watch for an unpatched copy (../../core/unpatched-sdk.ts):
 * a POST to `/openai/v1/chat/completions` or `/openai/v1/embeddings` (after the client's base URL) with
 * the SDK's user agent (`${constructor.name}/JS ${VERSION}`: `Groq/JS 1.6.0`, the same in 0.x) and its
 * Stainless platform headers. The user agent is what names groq-sdk: openai sends the same headers to
 * OpenAI-style paths as `OpenAI/JS`.
 */
import type { SdkRequestSignature } from '../../core';

export const GROQ_REQUEST_SIGNATURE: SdkRequestSignature = {
  sdk: 'groq-sdk',
  method: 'POST',
  path: /\/openai\/v1\/(?:chat\/completions|embeddings)$/,
  headers: { 'user-agent': /^[\w$]*Groq\/JS /, 'x-stainless-lang': /^js$/ },
};
