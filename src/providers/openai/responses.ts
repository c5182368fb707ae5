/* responses.create: requests, Response objects and stream events. */
import { asArray, asNumber, asObject, asString, type InvocationResponse, type Json, requestIdentity } from '../../core';
import { ATTR_OPENAI_API_TYPE, ERROR_TYPE_VALUE_OTHER } from '../../core/semconv';
import { outputType, tokenUsage } from '../openai-shaped/common';
import { OPENAI_RESPONSE_METRIC_KEYS, openaiResponseAttributes, serviceTierAttributes } from './openai-attributes';
import { responsesInputMessages, responsesOutputMessage, responsesSystemInstructions, responsesToolDefinitions } from './responses-messages';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { Endpoint } from './endpoint';

/** A Response has no finish reason: derive one from its status, incomplete reason and output items. */
export function responsesFinishReason(response: Record<string, unknown>): string | undefined {
  switch (response.status) {
    case 'completed':
      return asArray(response.output).some((i) => asObject(i)?.type === 'function_call' || asObject(i)?.type === 'custom_tool_call')
        ? 'tool_call'
        : 'stop';
    case 'incomplete': {
      const reason = asString(asObject(response.incomplete_details)?.reason);
      return reason === 'max_output_tokens' ? 'length' : (reason ?? 'length');
    }
    case 'failed':
    case 'cancelled':
      return 'error';
    default:
      return undefined;
  }
}

type ReportedError = NonNullable<InvocationResponse['error']>;

/** A Response with status `failed` carries `error: {code, message}`: the call failed. */
function responseError(r: Record<string, unknown>): ReportedError | undefined {
  if (r.status !== 'failed') return undefined;
  const e = asObject(r.error);
  return { type: asString(e?.code) ?? ERROR_TYPE_VALUE_OTHER, message: asString(e?.message) };
}

/**
 * `streamEnded`: the Response is the last one a stream delivered. If the stream stopped before a
 * terminal status (cut off, broken out of, failed), the finish reason that was expected is `error`.
 */
function fromResponse(result: unknown, captureContent: boolean, streamEnded = false): InvocationResponse {
  const r = asObject(result) ?? {};
  const finish = responsesFinishReason(r) ?? (streamEnded ? 'error' : undefined);
  return {
    error: responseError(r),
    responseId: asString(r.id),
    responseModel: asString(r.model),
    finishReasons: finish ? [finish] : undefined,
    usage: tokenUsage(r.usage),
    attributes: openaiResponseAttributes(r),
    metricAttributeKeys: OPENAI_RESPONSE_METRIC_KEYS,
    outputMessages: captureContent && finish !== undefined ? () => [responsesOutputMessage(r.output, finish)] : undefined,
  };
}

function conversationId(conversation: unknown): string | undefined {
  return asString(conversation) ?? asString(asObject(conversation)?.id);
}

export function responsesCall(body: Json, endpoint: Endpoint): StainlessCallTranslation {
  const text = asObject(body.text);
  return {
    request: {
      ...requestIdentity('chat', asString(body.model), endpoint),
      conversationId: conversationId(body.conversation),
      params: {
        maxTokens: asNumber(body.max_output_tokens),
        temperature: asNumber(body.temperature),
        topP: asNumber(body.top_p),
        stream: body.stream === true,
        outputType: outputType(asObject(text?.format)?.type),
        reasoningLevel: asString(asObject(body.reasoning)?.effort),
      },
      attributes: {
        [ATTR_OPENAI_API_TYPE]: 'responses',
        ...serviceTierAttributes(body.service_tier),
      },
      content: () => ({
        systemInstructions: responsesSystemInstructions(body.instructions),
        inputMessages: responsesInputMessages(body.input),
        toolDefinitions: responsesToolDefinitions(body.tools),
      }),
    },
    results: (captureContent) => responsesResults(captureContent),
  };
}

function responsesResults(captureContent: boolean): StainlessResultTranslation {
  return {
    response: (result) => fromResponse(result, captureContent),
    stream() {
      // Every event counts as a chunk; the terminal event carries the whole Response.
      let latest: unknown;
      let reported: ReportedError | undefined;
      return {
        onChunk(chunk) {
          const event = asObject(chunk);
          const response = asObject(event?.response);
          if (response) latest = response;
          // An `error` event the SDK passed through instead of throwing (sent without `event: error`).
          else if (event?.type === 'error') {
            reported ??= { type: asString(event.code) ?? ERROR_TYPE_VALUE_OTHER, message: asString(event.message) };
          }
        },
        toResponse: (interrupted) => {
          // An `error` event ends the call in error whether the SDK threw it (4.x, 7.x: `interrupted`)
          // or yielded it and ended the stream normally (5.x, 6.x).
          const response = latest
            ? fromResponse(latest, captureContent, true)
            : interrupted || reported
              ? { finishReasons: ['error'] }
              : {};
          return reported && !response.error ? { ...response, error: reported } : response;
        },
      };
    },
  };
}
