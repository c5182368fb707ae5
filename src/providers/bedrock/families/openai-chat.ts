/*
 * Chat Completions bodies on Bedrock: OpenAI's gpt-oss and Mistral Large 2 (2407) take `messages`,
 * `tools`, `reasoning_effort`... and answer `choices`, whole or as `chat.completion.chunk` chunks. The
 * provider-neutral Chat Completions translation (../../openai-shaped) reads them; it adds no provider's
 * attributes, so a Bedrock span carries no `openai.*` ones.
 */
import { StreamAccumulator } from '../../../core/stream-accumulator';
import {
  chatCompletionsContent,
  chatCompletionsParams,
  chatCompletionsResponse,
  readChatCompletionsChunk,
} from '../../openai-shaped/chat-completions';
import type { ChunkHandler, Json } from '../../../core';
import type { ModelFamily } from './family';

export const openaiChatFamily: ModelFamily = {
  name: 'openai-chat',
  operation: () => 'chat',
  // The body has no `stream`: InvokeModel's command says whether the call streams.
  params: (body) => ({ ...chatCompletionsParams(body), stream: undefined }),
  content: chatCompletionsContent,
  response: (body, captureContent) => chatCompletionsResponse(body, captureContent),
  stream(_request, captureContent): ChunkHandler<Json> {
    const acc = new StreamAccumulator(captureContent);
    let finished = false;
    return {
      onChunk(chunk: Json) {
        if (readChatCompletionsChunk(acc, chunk)) finished = true;
      },
      // A stream that ended without a finish reason was cut off.
      toResponse: (interrupted) => acc.toResponse(interrupted || !finished),
    };
  },
};
