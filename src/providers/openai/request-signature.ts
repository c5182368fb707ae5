/*
 * openai's recorded calls on the wire, for the watch for an unpatched copy (../../core/unpatched-sdk.ts):
 * a POST to one of the four endpoints this package records (after the client's base URL, so Azure's
 * `/openai/deployments/<name>/chat/completions` too), with the user agent of the SDK's client classes
 * (`${constructor.name}/JS ${VERSION}`: `OpenAI/JS 7.57.0`, `AzureOpenAI/JS ...`, `BedrockOpenAI/JS ...`,
 * the same in 4.x to 7.x) and its Stainless platform headers. The user agent is what names openai: other
 * Stainless SDKs send the same `x-stainless-*` headers to OpenAI-style paths (groq-sdk, as `Groq/JS`, to
 * `/openai/v1/chat/completions`). A subclass whose name does not end in OpenAI, or a bundle whose minifier
 * renamed the client class, sends another user agent and is not recognised (no warning, never a false one).
 */
import type { SdkRequestSignature } from '../../core';

export const OPENAI_REQUEST_SIGNATURE: SdkRequestSignature = {
  sdk: 'openai',
  method: 'POST',
  path: /\/(?:chat\/completions|responses|embeddings|completions)$/,
  headers: { 'user-agent': /^[\w$]*OpenAI\/JS /, 'x-stainless-lang': /^js$/ },
};
