/*
 * @aws-sdk/client-bedrock-runtime's recorded calls on the wire, for the watch for an unpatched copy
 * (../../core/unpatched-sdk.ts): Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream
 * POST to `/model/<model id, URL-encoded>/converse`, `/converse-stream`, `/invoke` and
 * `/invoke-with-response-stream`; the SDK's user agent names the service (`aws-sdk-js/3.x ...
 * api/bedrock-runtime#3.x ...`). The client's default request handler is HTTP/2 (NodeHttp2Handler, in
 * 3.1164); an app's NodeHttpHandler sends HTTP/1.1: the watch reads both.
 */
import type { SdkRequestSignature } from '../../core';

export const BEDROCK_RUNTIME_REQUEST_SIGNATURE: SdkRequestSignature = {
  sdk: '@aws-sdk/client-bedrock-runtime',
  method: 'POST',
  path: /\/model\/[^/]+\/(?:converse|converse-stream|invoke|invoke-with-response-stream)$/,
  headers: { 'user-agent': /(?:^|\s)api\/bedrock-runtime#/ },
};
