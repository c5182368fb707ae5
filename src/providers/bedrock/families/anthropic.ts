/*
 * Anthropic Claude on Bedrock: the Messages API body (`anthropic_version: "bedrock-2023-05-31"`), and the
 * legacy Text Completions body (`prompt`, `max_tokens_to_sample`) of Claude 2. Streamed chunks carry the
 * Anthropic stream events (message_start, content_block_start/delta/stop, message_delta, message_stop).
 *
 * The Messages body IS the Anthropic Messages format, so its parameters (reasoning level and output type
 * included), content blocks, stop reasons, usage and stream events are read by the provider-neutral
 * translation (../../anthropic-shaped), as the Anthropic SDK's calls are. Only Bedrock's envelope differs:
 * the model id is in the URL (no `model` field), InvokeModel's command says whether the call streams.
 */
import type { InvocationResponse, Json } from '../../../core';
import { asNumber, asString } from '../../../core/readers';
import { finishReason } from '../../anthropic-shaped/content';
import { MessageChunkHandler, messagesContent, messagesParams, messagesResponse } from '../../anthropic-shaped/messages';
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
    ...messagesParams(body),
    maxTokens: asNumber(body.max_tokens) ?? asNumber(body.max_tokens_to_sample),
    // The body has no `stream`: InvokeModel's command says whether the call streams.
    stream: undefined,
  }),
  content(body) {
    if (isLegacyCompletion(body)) return promptContent(body.prompt);
    const content = messagesContent(body);
    // Bedrock's shapes for an unreadable `system` (no parts) and missing `tools` (none), as
    // test/unit/bedrock-translation.test.ts pins them; like the SDK path's shapes, they record nothing.
    return {
      ...content,
      systemInstructions: content.systemInstructions ?? (body.system === undefined ? undefined : []),
      toolDefinitions: Array.isArray(body.tools) ? content.toolDefinitions : undefined,
    };
  },
  response(body, captureContent) {
    if (typeof body.completion === 'string') return legacyResponse(body, captureContent);
    return messagesResponse(body, captureContent);
  },
  stream(body, captureContent) {
    if (!isLegacyCompletion(body)) return new MessageChunkHandler(captureContent);
    return textStream(captureContent, (chunk, { acc, finish }) => {
      acc.appendText(0, asString(chunk.completion));
      finish(0, finishReason(chunk.stop_reason));
    });
  },
};
