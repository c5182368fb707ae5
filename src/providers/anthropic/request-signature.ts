/*
 * @anthropic-ai/sdk's recorded calls on the wire, for the watch for an unpatched copy
 * (../../core/unpatched-sdk.ts): `messages.create` and `beta.messages.create` POST to `/v1/messages`
 * (`?beta=true` for beta; `count_tokens` and `batches` are other paths), with the `anthropic-version`
 * header and the Stainless platform headers. Both are needed: other clients of the Messages API
 * (@ai-sdk/anthropic, plain fetch) send `anthropic-version` too, but not `x-stainless-lang`.
 */
import type { SdkRequestSignature } from '../../core';

export const ANTHROPIC_REQUEST_SIGNATURE: SdkRequestSignature = {
  sdk: '@anthropic-ai/sdk',
  method: 'POST',
  path: /\/v1\/messages$/,
  headers: { 'anthropic-version': /./, 'x-stainless-lang': /^js$/ },
};
