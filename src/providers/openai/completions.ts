/* Legacy completions.create (text_completion). */
import type { InputMessage, OutputMessage } from '../../core';
import { StreamAccumulator } from '../../core';
import { asArray, asNumber, asObject, asString, finishReason, stopSequences, tokenUsage } from './common';
import type { OpenAIOperation } from './operation';
import { openaiResponseAttributes } from './openai-attributes';

const METRIC_KEYS = ['openai.response.system_fingerprint'];

function promptMessages(prompt: unknown): InputMessage[] {
  const prompts = typeof prompt === 'string' ? [prompt] : asArray(prompt).filter((p): p is string => typeof p === 'string');
  return prompts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] }));
}

export const completionsOperation: OpenAIOperation = {
  request(body, endpoint) {
    return {
      operation: 'text_completion',
      provider: endpoint.provider,
      requestModel: asString(body.model),
      serverAddress: endpoint.serverAddress,
      serverPort: endpoint.serverPort,
      params: {
        maxTokens: asNumber(body.max_tokens),
        temperature: asNumber(body.temperature),
        topP: asNumber(body.top_p),
        stopSequences: stopSequences(body.stop),
        frequencyPenalty: asNumber(body.frequency_penalty),
        presencePenalty: asNumber(body.presence_penalty),
        seed: asNumber(body.seed),
        choiceCount: asNumber(body.n),
        stream: body.stream === true,
      },
      content: () => ({ inputMessages: promptMessages(body.prompt) }),
    };
  },

  results(_body, captureContent) {
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
            acc.responseId ??= asString(c.id);
            acc.responseModel ??= asString(c.model);
            Object.assign(acc.attributes, openaiResponseAttributes(c));
            if (c.usage) acc.usage = tokenUsage(c.usage);
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
  },
};
