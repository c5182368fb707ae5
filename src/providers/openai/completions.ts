/* Legacy completions.create (text_completion). */
import type { InputMessage, OutputMessage } from '../../core';
import { asArray, asNumber, asObject, asString, type Json, requestIdentity, StreamAccumulator } from '../../core';
import { readChunkEnvelope, samplingParams } from '../openai-shaped/chat-completions';
import { finishReason, tokenUsage } from '../openai-shaped/common';
import { openaiResponseAttributes, readOpenAIChunkAttributes } from './openai-attributes';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { Endpoint } from './endpoint';
import { ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT } from '../../core/semconv';

const METRIC_KEYS = [ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT];

function promptMessages(prompt: unknown): InputMessage[] {
  const prompts = typeof prompt === 'string' ? [prompt] : asArray(prompt).filter((p): p is string => typeof p === 'string');
  return prompts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] }));
}

export function completionsCall(body: Json, endpoint: Endpoint): StainlessCallTranslation {
  return {
    request: {
      ...requestIdentity('text_completion', asString(body.model), endpoint),
      params: { ...samplingParams(body), maxTokens: asNumber(body.max_tokens) },
      content: () => ({ inputMessages: promptMessages(body.prompt) }),
    },
    results: (captureContent) => completionsResults(captureContent),
  };
}

function completionsResults(captureContent: boolean): StainlessResultTranslation {
  return {
    response(result) {
      const r = asObject(result) ?? {};
      const choices = asArray(r.choices).map((c) => asObject(c) ?? {});
      return {
        responseId: asString(r.id),
        responseModel: asString(r.model),
        finishReasons: choices.map((c) => finishReason(c.finish_reason) ?? 'error'),
        usage: tokenUsage(r.usage),
        attributes: openaiResponseAttributes(r),
        metricAttributeKeys: METRIC_KEYS,
        outputMessages: captureContent
          ? () =>
              choices.map(
                (c): OutputMessage => ({
                  role: 'assistant',
                  parts: [{ type: 'text', content: asString(c.text) ?? '' }],
                  finish_reason: finishReason(c.finish_reason) ?? 'error',
                }),
              )
          : undefined,
      };
    },
    stream() {
      const acc = new StreamAccumulator(captureContent, METRIC_KEYS);
      return {
        onChunk(chunk) {
          const c = asObject(chunk);
          if (!c) return;
          readChunkEnvelope(acc, c);
          readOpenAIChunkAttributes(acc, c);
          for (const raw of asArray(c.choices)) {
            const choice = asObject(raw) ?? {};
            const index = asNumber(choice.index) ?? 0;
            acc.appendText(index, asString(choice.text));
            acc.setFinishReason(index, finishReason(choice.finish_reason));
          }
        },
        toResponse: (interrupted) => acc.toResponse(interrupted),
      };
    },
  };
}
