/* chat.completions.create: the Chat Completions translation (../openai-shaped) plus OpenAI's own attributes. */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationResponse } from '../../core';
// Hot-path values from their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { invocationRequest } from '../../core/endpoint';
import { asObject, asString, type Json } from '../../core/readers';
import { StreamAccumulator } from '../../core/stream-accumulator';
import {
  chatCompletionsContent,
  chatCompletionsParams,
  chatCompletionsResponse,
  readChatCompletionsChunk,
} from '../openai-shaped/chat-completions';
import { NO_SERVICE_TIER, OPENAI_RESPONSE_METRIC_KEYS, openaiResponseAttributes, readOpenAIChunkAttributes, serviceTierAttributes } from './openai-attributes';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { Endpoint } from './endpoint';
import { ATTR_OPENAI_API_TYPE } from '../../core/semconv';

export function chatCall(body: Json, endpoint: Endpoint): StainlessCallTranslation {
  return {
    request: invocationRequest(
      'chat',
      asString(body.model),
      endpoint,
      chatCompletionsParams(body),
      chatCompletionsAttributes(body.service_tier),
      () => chatCompletionsContent(body),
    ),
    // The function itself, not a closure per call: it uses nothing but its argument.
    results: chatResults,
  };
}

/** A request without a service tier (the usual one) shares one frozen object (for speed; nothing writes to it). */
const CHAT_COMPLETIONS_ATTRIBUTES = Object.freeze({ [ATTR_OPENAI_API_TYPE]: 'chat_completions' });

function chatCompletionsAttributes(serviceTier: unknown): Attributes {
  const tier = serviceTierAttributes(serviceTier);
  return tier === NO_SERVICE_TIER ? CHAT_COMPLETIONS_ATTRIBUTES : { [ATTR_OPENAI_API_TYPE]: 'chat_completions', ...tier };
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
