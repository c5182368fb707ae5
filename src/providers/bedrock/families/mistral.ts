/*
 * Mistral on Bedrock, and other OpenAI-compatible bodies. The Mistral 7B / Mixtral / Large (2402) /
 * Small text models take a `prompt` and answer `outputs: [{text, stop_reason}]` (a text completion);
 * Mistral Large 2 (2407) and OpenAI's gpt-oss take Chat Completions bodies (`messages`, `tools`) and
 * answer `choices`, which the openai provider's Chat Completions translation reads (imported from the
 * provider that owns the format, as the anthropic family imports the anthropic provider's: see there).
 */
import type { InvocationResponse } from '../../../core';
import { asArray, asNumber, asObject, asString, asStrings, type Json } from '../../../core';
import { chatOperation } from '../../openai/chat';
import { type FamilyStream, type ModelFamily, promptContent, textOutputs, textStream } from './family';

const mistralFinishReason = (v: unknown): string | undefined =>
  typeof v !== 'string' || v === '' ? undefined : v === 'tool_calls' ? 'tool_call' : v;

export const mistralTextFamily: ModelFamily = {
  name: 'mistral-text',
  operation: () => 'text_completion',
  params: (body) => ({
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: asStrings(body.stop),
  }),
  content: (body) => promptContent(body.prompt),
  response(body, captureContent) {
    const outputs = asArray(body.outputs).map((o) => asObject(o) ?? {});
    const finishReasons = outputs.map((o) => mistralFinishReason(o.stop_reason) ?? 'error');
    return {
      finishReasons,
      outputMessages: captureContent ? () => textOutputs(outputs.map((o) => o.text), finishReasons) : undefined,
    };
  },
  stream(_body, captureContent) {
    return textStream(captureContent, (chunk, { acc, finish }) => {
      asArray(chunk.outputs).forEach((raw, index) => {
        const o = asObject(raw) ?? {};
        acc.appendText(index, asString(o.text));
        finish(index, mistralFinishReason(o.stop_reason));
      });
    });
  },
};

/** The openai translation minus its `openai.*` attributes: a Bedrock span carries none. */
function withoutOpenAIAttributes(response: InvocationResponse): InvocationResponse {
  return { ...response, attributes: undefined, metricAttributeKeys: undefined };
}

const NO_ENDPOINT = { provider: 'aws.bedrock' };

export const openaiChatFamily: ModelFamily = {
  name: 'openai-chat',
  operation: () => 'chat',
  params: (body) => ({ ...chatOperation.request(body, NO_ENDPOINT).params, stream: undefined }),
  content: (body) => chatOperation.request(body, NO_ENDPOINT).content?.() ?? {},
  response: (body, captureContent, request) => withoutOpenAIAttributes(chatOperation.results(request, captureContent).response(body)),
  stream(request, captureContent): FamilyStream {
    const handler = chatOperation.results(request, captureContent).stream!();
    let finished = false;
    return {
      onChunk(chunk: Json) {
        handler.onChunk(chunk);
        if (asArray(chunk.choices).some((c) => asObject(c)?.finish_reason)) finished = true;
      },
      toResponse: (interrupted) => withoutOpenAIAttributes(handler.toResponse(interrupted || !finished)),
    };
  },
};
