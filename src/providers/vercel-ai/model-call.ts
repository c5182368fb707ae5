/*
 * One AI SDK model call (a `languageModelCall` of the AI SDK's telemetry: one LanguageModel `doGenerate`
 * or `doStream`, one per step of a tool loop and per retry) as a `chat {model}` call: the request from
 * the call's event (provider id, model id, call settings, the step's messages, instructions and tools),
 * the result side from the `doGenerate` result or the `doStream` parts.
 */
import type { CallTranslation, InvocationRequest, RequestParameters, ResultTranslation } from '../../core';
import { asArray, asNumber, asObject, asString } from '../../core';
import { providerAndServer } from './provider-name';
import { inputMessages, systemInstructions, toolDefinitions } from './prompt';
import { generateResponse } from './response';
import { streamPartsHandler } from './stream-parts';

export interface ModelCallOptions {
  /** The call is streamed (streamText, streamObject). */
  streamed: boolean;
  /** `gen_ai.output.type` of the enclosing call (`json` for structured output). */
  outputType?: string;
}

/**
 * `event.url`: the model's base URL, when the caller knows it at the start (`ai` 5 and 6: the model
 * object); `ai` 7's channel tells it when the call ends (./model-call-record.ts).
 */
export function modelCall(event: unknown, options: ModelCallOptions): CallTranslation<ResultTranslation> {
  const e = asObject(event) ?? {};
  const request: InvocationRequest = {
    operation: 'chat',
    ...providerAndServer(asString(e.provider), asString(e.url)),
    requestModel: asString(e.modelId),
    params: callParameters(e, options),
    content: () => ({
      systemInstructions: systemInstructions(e.instructions ?? e.system),
      inputMessages: inputMessages(e.messages ?? e.prompt),
      toolDefinitions: asArray(e.tools).length > 0 ? toolDefinitions(e.tools) : undefined,
    }),
  };
  return {
    request,
    results: () => ({
      response: generateResponse,
      stream: streamPartsHandler,
    }),
  };
}

/** The call settings of the event (`maxOutputTokens`, `temperature`, ...; `reasoning` in ai 7). */
export function callParameters(e: Record<string, unknown>, options: ModelCallOptions): RequestParameters {
  const params: RequestParameters = {};
  const num = (key: keyof RequestParameters, v: unknown) => {
    const n = asNumber(v);
    if (n !== undefined) (params as Record<string, unknown>)[key] = n;
  };
  num('maxTokens', e.maxOutputTokens ?? e.maxTokens);
  num('temperature', e.temperature);
  num('topP', e.topP);
  num('topK', e.topK);
  num('frequencyPenalty', e.frequencyPenalty);
  num('presencePenalty', e.presencePenalty);
  num('seed', e.seed);
  const stops = asArray(e.stopSequences).filter((s): s is string => typeof s === 'string');
  if (stops.length > 0) params.stopSequences = stops;
  const reasoning = asString(e.reasoning);
  if (reasoning && reasoning !== 'provider-default') params.reasoningLevel = reasoning;
  params.stream = options.streamed;
  if (options.outputType) params.outputType = options.outputType;
  return params;
}

/** `server.address` / `server.port` of a finished call: the AI SDK reports the request's URL in `request.url`. */
export function requestUrl(result: unknown): string | undefined {
  return asString(asObject(asObject(result)?.request)?.url);
}
