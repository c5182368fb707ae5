/*
 * Anthropic Claude on Bedrock: the Messages API body (`anthropic_version: "bedrock-2023-05-31"`), and the
 * legacy Text Completions body (`prompt`, `max_tokens_to_sample`) of Claude 2. Streamed chunks carry the
 * Anthropic stream events (message_start, content_block_start/delta/stop, message_delta, message_stop).
 *
 * The Messages body IS the Anthropic Messages format, so its content blocks, stop reasons, usage and stream
 * events are read by the anthropic provider's translation (../../anthropic), the one owner of that format.
 * It is not in src/core: core knows the conventions' model, not any vendor's wire format. Only the Bedrock
 * envelope is read here.
 */
import type { InvocationResponse } from '../../../core';
import { asNumber, asString, asStrings, type Json } from '../../../core';
import { contentParts, finishReason, inputMessages, toolDefinitions } from '../../anthropic/content';
import { MessageChunkHandler, messagesResults } from '../../anthropic/messages';
import { type ModelFamily, promptContent, textStream } from './family';

const isLegacyCompletion = (body: Json) => typeof body.prompt === 'string' && !Array.isArray(body.messages);

/** Claude 2's `completion` answer (a text completion). */
function legacyResponse(body: Json, captureContent: boolean): InvocationResponse {
  const reason = finishReason(body.stop_reason) ?? 'error';
  return {
    finishReasons: [reason],
    outputMessages: captureContent
      ? () => [{ role: asString(body.role) ?? 'assistant', parts: [{ type: 'text', content: body.completion as string }], finish_reason: reason }]
      : undefined,
  };
}

export const anthropicFamily: ModelFamily = {
  name: 'anthropic',
  operation: (body) => (isLegacyCompletion(body) ? 'text_completion' : 'chat'),
  params: (body) => ({
    maxTokens: asNumber(body.max_tokens) ?? asNumber(body.max_tokens_to_sample),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: asStrings(body.stop_sequences),
  }),
  content(body) {
    if (isLegacyCompletion(body)) return promptContent(body.prompt);
    return {
      systemInstructions: body.system === undefined ? undefined : contentParts(body.system),
      inputMessages: inputMessages(body.messages),
      toolDefinitions: Array.isArray(body.tools) ? toolDefinitions(body.tools) : undefined,
    };
  },
  response(body, captureContent) {
    if (typeof body.completion === 'string') return legacyResponse(body, captureContent);
    return messagesResults(captureContent).response(body);
  },
  stream(body, captureContent) {
    if (!isLegacyCompletion(body)) return new MessageChunkHandler(captureContent);
    return textStream(captureContent, (chunk, { acc, finish }) => {
      acc.appendText(0, asString(chunk.completion));
      finish(0, finishReason(chunk.stop_reason));
    });
  },
};
