/* Pure mappings from the invocation model to span and metric attributes. */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationRequest, InvocationResponse } from './model';
import * as sc from './semconv';

/** The attributes samplers may use: set when the span starts. */
export function samplingAttributes(request: InvocationRequest): Attributes {
  const attrs: Attributes = {
    [sc.ATTR_GEN_AI_OPERATION_NAME]: request.operation,
    [sc.ATTR_GEN_AI_PROVIDER_NAME]: request.provider,
  };
  if (request.requestModel !== undefined) attrs[sc.ATTR_GEN_AI_REQUEST_MODEL] = request.requestModel;
  if (request.serverAddress !== undefined) attrs[sc.ATTR_SERVER_ADDRESS] = request.serverAddress;
  if (request.serverPort !== undefined) attrs[sc.ATTR_SERVER_PORT] = request.serverPort;
  return attrs;
}

export function spanName(request: InvocationRequest): string {
  return request.requestModel ? `${request.operation} ${request.requestModel}` : request.operation;
}

function setIfDefined(attrs: Attributes, key: string, value: Attributes[string]): void {
  if (value !== undefined && value !== null) attrs[key] = value;
}

/**
 * Request parameters and provider request attributes (everything known at start but not sampling-relevant),
 * written into `attrs` (a new object by default): the span's end attributes are built in one object.
 */
export function requestAttributes(request: InvocationRequest, attrs: Attributes = {}): Attributes {
  const p = request.params;
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS, p.maxTokens);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_TEMPERATURE, p.temperature);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_TOP_P, p.topP);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_TOP_K, p.topK);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, p.stopSequences);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, p.frequencyPenalty);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, p.presencePenalty);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_SEED, p.seed);
  // Conditionally required only when it differs from 1.
  if (p.choiceCount !== undefined && p.choiceCount !== 1) attrs[sc.ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = p.choiceCount;
  // Set only when streaming: unset means non-streaming.
  if (p.stream === true) attrs[sc.ATTR_GEN_AI_REQUEST_STREAM] = true;
  setIfDefined(attrs, sc.ATTR_GEN_AI_OUTPUT_TYPE, p.outputType);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_REASONING_LEVEL, p.reasoningLevel);
  setIfDefined(attrs, sc.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, p.encodingFormats);
  setIfDefined(attrs, sc.ATTR_GEN_AI_CONVERSATION_ID, request.conversationId);
  if (request.attributes) Object.assign(attrs, request.attributes);
  return attrs;
}

/** The response's attributes, written into `attrs` (a new object by default). */
export function responseAttributes(response: InvocationResponse, attrs: Attributes = {}): Attributes {
  setIfDefined(attrs, sc.ATTR_GEN_AI_RESPONSE_ID, response.responseId);
  setIfDefined(attrs, sc.ATTR_GEN_AI_RESPONSE_MODEL, response.responseModel);
  if (response.finishReasons && response.finishReasons.length > 0) {
    attrs[sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = response.finishReasons;
  }
  const u = response.usage;
  if (u) {
    setIfDefined(attrs, sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens);
    setIfDefined(attrs, sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens);
    setIfDefined(attrs, sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadInputTokens);
    setIfDefined(attrs, sc.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreationInputTokens);
    setIfDefined(attrs, sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoningOutputTokens);
  }
  setIfDefined(attrs, sc.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, response.embeddingsDimensionCount);
  if (response.attributes) Object.assign(attrs, response.attributes);
  return attrs;
}

/**
 * Base attributes shared by every metric data point of a call: `context` (the GenAI context metadata's
 * metric attributes, usually none), then the sampling ones plus response ones. One new object, no spreads.
 */
export function metricAttributes(request: InvocationRequest, response: InvocationResponse | undefined, context?: Readonly<Attributes>): Attributes {
  const attrs: Attributes = {};
  if (context) for (const key in context) attrs[key] = context[key];
  attrs[sc.ATTR_GEN_AI_OPERATION_NAME] = request.operation;
  attrs[sc.ATTR_GEN_AI_PROVIDER_NAME] = request.provider;
  if (request.requestModel !== undefined) attrs[sc.ATTR_GEN_AI_REQUEST_MODEL] = request.requestModel;
  if (request.serverAddress !== undefined) attrs[sc.ATTR_SERVER_ADDRESS] = request.serverAddress;
  if (request.serverPort !== undefined) attrs[sc.ATTR_SERVER_PORT] = request.serverPort;
  if (response?.responseModel !== undefined) attrs[sc.ATTR_GEN_AI_RESPONSE_MODEL] = response.responseModel;
  if (response?.attributes && response.metricAttributeKeys) {
    for (const key of response.metricAttributeKeys) {
      const value = response.attributes[key];
      if (value !== undefined) attrs[key] = value;
    }
  }
  return attrs;
}
