/* responses.create: requests, Response objects and stream events. */
import type { InvocationResponse } from '../../core';
import { asArray, asNumber, asObject, asString, outputType, tokenUsage } from './common';
import { OPENAI_RESPONSE_METRIC_KEYS, type OpenAIOperation } from './operation';
import { openaiResponseAttributes, reasoningLevelAttribute, serviceTierAttributes } from './openai-attributes';
import { responsesInputMessages, responsesOutputMessage, responsesSystemInstructions, responsesToolDefinitions } from './responses-messages';

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

function fromResponse(result: unknown, captureContent: boolean): InvocationResponse {
  const r = asObject(result) ?? {};
  const finish = responsesFinishReason(r);
  return {
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

export const responsesOperation: OpenAIOperation = {
  request(body, endpoint) {
    const text = asObject(body.text);
    return {
      operation: 'chat',
      provider: endpoint.provider,
      requestModel: asString(body.model),
      serverAddress: endpoint.serverAddress,
      serverPort: endpoint.serverPort,
      conversationId: conversationId(body.conversation),
      params: {
        maxTokens: asNumber(body.max_output_tokens),
        temperature: asNumber(body.temperature),
        topP: asNumber(body.top_p),
        stream: body.stream === true,
        outputType: outputType(asObject(text?.format)?.type),
      },
      attributes: {
        'openai.api.type': 'responses',
        ...serviceTierAttributes(body.service_tier),
        ...reasoningLevelAttribute(asObject(body.reasoning)?.effort),
      },
      content: () => ({
        systemInstructions: responsesSystemInstructions(body.instructions),
        inputMessages: responsesInputMessages(body.input),
        toolDefinitions: responsesToolDefinitions(body.tools),
      }),
    };
  },

  results(_body, captureContent) {
    return {
      response: (result) => fromResponse(result, captureContent),
      stream() {
        // Every event counts as a chunk; the terminal event carries the whole Response.
        let latest: unknown;
        return {
          onChunk(chunk) {
            const event = asObject(chunk);
            const response = asObject(event?.response);
            if (response) latest = response;
          },
          toResponse: () => (latest ? fromResponse(latest, captureContent) : {}),
        };
      },
    };
  },
};
