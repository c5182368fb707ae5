/* chat.completions.create: the Chat Completions translation (../openai-shaped) plus OpenAI's own attributes. */
import type { InvocationResponse } from '../../core';
import { asObject, asString, requestIdentity, StreamAccumulator } from '../../core';
import {
  chatCompletionsContent,
  chatCompletionsParams,
  chatCompletionsResponse,
  readChatCompletionsChunk,
} from '../openai-shaped/chat-completions';
import { OPENAI_RESPONSE_METRIC_KEYS, type OpenAIOperation, readOpenAIChunkAttributes } from './operation';
import { openaiResponseAttributes, serviceTierAttributes } from './openai-attributes';
import { ATTR_OPENAI_API_TYPE } from '../../core/semconv';

export const chatOperation: OpenAIOperation = {
  request(body, endpoint) {
    return {
      ...requestIdentity('chat', asString(body.model), endpoint),
      params: chatCompletionsParams(body),
      attributes: {
        [ATTR_OPENAI_API_TYPE]: 'chat_completions',
        ...serviceTierAttributes(body.service_tier),
      },
      content: () => chatCompletionsContent(body),
    };
  },

  results(_body, captureContent) {
    return {
      response(result): InvocationResponse {
        return {
          ...chatCompletionsResponse(result, captureContent),
          attributes: openaiResponseAttributes(asObject(result) ?? {}),
          metricAttributeKeys: OPENAI_RESPONSE_METRIC_KEYS,
        };
      },
      stream() {
        const acc = new StreamAccumulator(captureContent, OPENAI_RESPONSE_METRIC_KEYS);
        return {
          onChunk(chunk) {
            const c = asObject(chunk);
            if (!c) return;
            readOpenAIChunkAttributes(acc, c);
            readChatCompletionsChunk(acc, c);
          },
          toResponse: (interrupted) => acc.toResponse(interrupted),
        };
      },
    };
  },
};
