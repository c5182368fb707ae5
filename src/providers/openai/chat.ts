/* chat.completions.create: the Chat Completions translation (../openai-shaped) plus OpenAI's own attributes. */
import type { InvocationResponse } from '../../core';
// Hot-path values from their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { requestIdentity } from '../../core/endpoint';
import { asObject, asString, type Json } from '../../core/readers';
import { StreamAccumulator } from '../../core/stream-accumulator';
import {
  chatCompletionsContent,
  chatCompletionsParams,
  chatCompletionsResponse,
  readChatCompletionsChunk,
} from '../openai-shaped/chat-completions';
import { OPENAI_RESPONSE_METRIC_KEYS, openaiResponseAttributes, readOpenAIChunkAttributes, serviceTierAttributes } from './openai-attributes';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { Endpoint } from './endpoint';
import { ATTR_OPENAI_API_TYPE } from '../../core/semconv';

export function chatCall(body: Json, endpoint: Endpoint): StainlessCallTranslation {
  return {
    request: {
      ...requestIdentity('chat', asString(body.model), endpoint),
      params: chatCompletionsParams(body),
      attributes: {
        [ATTR_OPENAI_API_TYPE]: 'chat_completions',
        ...serviceTierAttributes(body.service_tier),
      },
      content: () => chatCompletionsContent(body),
    },
    results: (captureContent) => chatResults(captureContent),
  };
}

function chatResults(captureContent: boolean): StainlessResultTranslation {
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
}
