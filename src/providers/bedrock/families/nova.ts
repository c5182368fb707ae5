/*
 * Amazon Nova understanding models (`schemaVersion: "messages-v1"`): Converse-shaped messages, system
 * and tools in JSON (binary sources as base64 strings), `inferenceConfig` with snake_case sampling keys;
 * the response and stream events are Converse's too.
 */
import { asNumber, asObject, asStrings } from '../../../core/readers';
import { BlockAccumulator } from '../block-accumulator';
import { applyConverseEvent, converseResponse } from '../converse';
import { converseInputMessages, converseSystemInstructions, converseToolDefinitions } from '../converse-content';
import { firstNumber } from '../json';
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
  response: (body, captureContent) => converseResponse(body, captureContent),
  stream(_body, captureContent) {
    const acc = new BlockAccumulator(captureContent);
    return {
      onChunk: (chunk) => applyConverseEvent(acc, chunk),
      toResponse: () => acc.toResponse(),
    };
  },
};
