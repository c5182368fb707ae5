/*
 * @google/genai's recorded calls on the wire, for the watch for an unpatched copy
 * (../../core/unpatched-sdk.ts): a POST to `<model>:generateContent`, `:streamGenerateContent` (`?alt=sse`),
 * `:embedContent` or `:batchEmbedContents` (Gemini API and Vertex AI alike), with the SDK's
 * `x-goog-api-client: google-genai-sdk/<version> gl-node/<node version>`. Vertex AI's `:predict`, which
 * embedContent uses for some models, is left out: image generation (not recorded) uses it too.
 */
import type { SdkRequestSignature } from '../../core';

export const GOOGLE_GENAI_REQUEST_SIGNATURE: SdkRequestSignature = {
  sdk: '@google/genai',
  method: 'POST',
  path: /:(?:generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/,
  headers: { 'x-goog-api-client': /(?:^|\s)google-genai-sdk\// },
};
