/* What each Bedrock translation (Converse, InvokeModel per model family) provides to the instrumentation. */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationRequest, Json, RequestContent, RequestParameters, ResultTranslation, ServerAddress } from '../../core';
import { invocationRequest } from '../../core/endpoint';
import { ATTR_AWS_BEDROCK_GUARDRAIL_ID } from '../../core/semconv';

export const PROVIDER_NAME = 'aws.bedrock';

/** Where the request went, as the SDK resolved it (the provider is always Bedrock). */
export type Endpoint = ServerAddress;

/** Response headers of the HTTP exchange (lower-case names), when the middleware saw them. */
export type ResponseHeaders = Readonly<Record<string, string | undefined>>;

/** What a command returned: its output, and the response headers of its HTTP exchange. */
export interface CommandResult {
  output: Json;
  headers: ResponseHeaders;
}

/**
 * The results of a command. A streamed command's chunk handler (`stream`) reads the events of the output
 * property `streamProperty`: ConverseStream events, or InvokeModel chunks whose bytes hold the family's JSON.
 */
export interface BedrockResultTranslation extends ResultTranslation<CommandResult> {
  readonly streamProperty?: 'stream' | 'body';
}

/** A Bedrock request (the provider is always Bedrock; an empty model id is none), built as one object. */
export function bedrockRequest(
  operation: InvocationRequest['operation'],
  modelId: unknown,
  endpoint: Endpoint,
  params: RequestParameters,
  attributes: Attributes,
  content: (() => RequestContent) | undefined,
): InvocationRequest {
  const requestModel = typeof modelId === 'string' && modelId !== '' ? modelId : undefined;
  const server = { provider: PROVIDER_NAME, serverAddress: endpoint.serverAddress, serverPort: endpoint.serverPort };
  return invocationRequest(operation, requestModel, server, params, attributes, content);
}

/** `aws.bedrock.guardrail.id` (Required by the conventions when a guardrail is configured). */
export function guardrailAttributes(guardrailIdentifier: unknown): Record<string, string> {
  return typeof guardrailIdentifier === 'string' && guardrailIdentifier !== ''
    ? { [ATTR_AWS_BEDROCK_GUARDRAIL_ID]: guardrailIdentifier }
    : {};
}

const header = (headers: ResponseHeaders, name: string): number | undefined => {
  const v = headers[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** The token counts Bedrock puts in InvokeModel response headers (for every model family). */
export function headerCounts(headers: ResponseHeaders) {
  return {
    input: header(headers, 'x-amzn-bedrock-input-token-count'),
    output: header(headers, 'x-amzn-bedrock-output-token-count'),
    cacheRead: header(headers, 'x-amzn-bedrock-cache-read-input-token-count'),
    cacheWrite: header(headers, 'x-amzn-bedrock-cache-write-input-token-count'),
  };
}
