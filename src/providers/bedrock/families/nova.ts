/*
 * Amazon Nova understanding models (`schemaVersion: "messages-v1"`): Converse-shaped messages, system
 * and tools in JSON (binary sources as base64 strings), `inferenceConfig` with snake_case sampling keys;
 * the response and stream events are Converse's too.
 */
import { BlockAccumulator } from '../block-accumulator';
import { applyConverseEvent, converseUsage } from '../converse';
import {
  converseFinishReason,
  converseInputMessages,
  converseOutputMessage,
  converseSystemInstructions,
  converseToolDefinitions,
} from '../converse-content';
import { asNumber, asObject, asStrings, firstNumber } from '../json';
import type { ModelFamily } from './family';

export const novaFamily: ModelFamily = {
  name: 'nova',
  operation: () => 'chat',
  params(body) {
    const c = asObject(body.inferenceConfig);
    return {
      maxTokens: firstNumber(c, 'max_new_tokens', 'maxTokens'),
      temperature: asNumber(c?.temperature),
      topP: firstNumber(c, 'top_p', 'topP'),
      topK: firstNumber(c, 'top_k', 'topK'),
      stopSequences: asStrings(c?.stopSequences),
    };
  },
  content: (body) => ({
    systemInstructions: converseSystemInstructions(body.system),
    inputMessages: converseInputMessages(body.messages),
    toolDefinitions: converseToolDefinitions(body.toolConfig),
  }),
  response(body, captureContent) {
    const finishReason = converseFinishReason(body.stopReason) ?? 'error';
    const message = asObject(body.output)?.message;
    return {
      finishReasons: [finishReason],
      usage: converseUsage(body.usage),
      outputMessages: captureContent && message ? () => [converseOutputMessage(message, finishReason)] : undefined,
    };
  },
  stream(_body, captureContent) {
    const acc = new BlockAccumulator(captureContent);
    return {
      onChunk: (chunk) => applyConverseEvent(acc, chunk),
      toResponse: () => acc.toResponse(),
    };
  },
};
