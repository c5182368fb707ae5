/* chat.completions.create: requests, results and stream chunks. */
import type { InvocationResponse } from '../../core';
import { asArray, asNumber, asObject, asString, requestIdentity, StreamAccumulator } from '../../core';
import { chatInputMessages, chatOutputMessage, chatToolDefinitions } from './chat-messages';
import { finishReason, outputType, tokenUsage } from './common';
import { OPENAI_RESPONSE_METRIC_KEYS, type OpenAIOperation, readChunkEnvelope, samplingParams } from './operation';
import { openaiResponseAttributes as responseAttributes, reasoningLevelAttribute, serviceTierAttributes } from './openai-attributes';

export const chatOperation: OpenAIOperation = {
  request(body, endpoint) {
    return {
      ...requestIdentity('chat', asString(body.model), endpoint),
      params: {
        ...samplingParams(body),
        maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
        outputType: outputType(asObject(body.response_format)?.type),
      },
      attributes: {
        'openai.api.type': 'chat_completions',
        ...serviceTierAttributes(body.service_tier),
        ...reasoningLevelAttribute(body.reasoning_effort),
      },
      content: () => ({
        inputMessages: chatInputMessages(body.messages),
        toolDefinitions: chatToolDefinitions(body.tools, body.functions),
      }),
    };
  },

  results(_body, captureContent) {
    return {
      response(result): InvocationResponse {
        const r = asObject(result) ?? {};
        const choices = asArray(r.choices);
        return {
          responseId: asString(r.id),
          responseModel: asString(r.model),
          finishReasons: choices.map((c) => finishReason(asObject(c)?.finish_reason) ?? 'error'),
          usage: tokenUsage(r.usage),
          attributes: responseAttributes(r),
          metricAttributeKeys: OPENAI_RESPONSE_METRIC_KEYS,
          outputMessages: captureContent ? () => choices.map(chatOutputMessage) : undefined,
        };
      },
      stream() {
        const acc = new StreamAccumulator(captureContent, OPENAI_RESPONSE_METRIC_KEYS);
        return {
          onChunk(chunk) {
            const c = asObject(chunk);
            if (!c) return;
            readChunkEnvelope(acc, c);
            for (const raw of asArray(c.choices)) {
              const choice = asObject(raw);
              if (!choice) continue;
              const index = asNumber(choice.index) ?? 0;
              const delta = asObject(choice.delta);
              acc.touch(index);
              if (delta) {
                acc.appendText(index, asString(delta.content));
                acc.appendText(index, asString(delta.refusal));
                acc.appendReasoning(index, asString(delta.reasoning_content));
                for (const rawCall of asArray(delta.tool_calls)) {
                  const call = asObject(rawCall) ?? {};
                  const fn = asObject(call.function) ?? {};
                  acc.appendToolCall(index, asNumber(call.index) ?? 0, {
                    id: asString(call.id),
                    name: asString(fn.name),
                    arguments: asString(fn.arguments),
                  });
                }
              }
              acc.setFinishReason(index, finishReason(choice.finish_reason));
            }
          },
          toResponse: (interrupted) => acc.toResponse(interrupted),
        };
      },
    };
  },
};
