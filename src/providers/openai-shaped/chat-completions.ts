/*
 * A Chat Completions body → the core model, for every API that speaks it: OpenAI's own, and the
 * OpenAI-shaped bodies of other providers (Bedrock's gpt-oss and Mistral Large 2 InvokeModel bodies).
 * Only what the format itself says is read here; a provider adds its own attributes (e.g. `openai.*`)
 * to the request and response it gets from these.
 */
import type { InvocationResponse, RequestContent, RequestParameters } from '../../core';
// Hot-path values from their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { asArray, asNumber, asObject, asString, asStrings, type Json } from '../../core/readers';
import type { StreamAccumulator } from '../../core/stream-accumulator';
import { chatInputMessages, chatOutputMessage, chatToolDefinitions } from './chat-messages';
import { finishReason, outputType, tokenUsage } from './common';

/** Sampling parameters that Chat Completions and legacy Completions bodies name the same way. */
export function samplingParams(body: Json): RequestParameters {
  return {
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    stopSequences: asStrings(body.stop),
    frequencyPenalty: asNumber(body.frequency_penalty),
    presencePenalty: asNumber(body.presence_penalty),
    seed: asNumber(body.seed),
    choiceCount: asNumber(body.n),
    stream: body.stream === true,
  };
}

/** A chat request body's parameters, the shared ones (output type, reasoning level) included. */
export function chatCompletionsParams(body: Json): RequestParameters {
  // Added to samplingParams' object rather than spread into a second one (for speed: once per call).
  const params = samplingParams(body);
  params.maxTokens = asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens);
  params.outputType = outputType(asObject(body.response_format)?.type);
  params.reasoningLevel = asString(body.reasoning_effort);
  return params;
}

/** A chat request body's content: its messages (system and developer ones included) and tools. */
export function chatCompletionsContent(body: Json): RequestContent {
  return {
    inputMessages: chatInputMessages(body.messages),
    toolDefinitions: chatToolDefinitions(body.tools, body.functions),
  };
}

/** A ChatCompletion (a parsed response body): ids, one finish reason and output message per choice, usage. */
export function chatCompletionsResponse(result: unknown, captureContent: boolean): InvocationResponse {
  const r = asObject(result) ?? {};
  const choices = asArray(r.choices);
  return {
    responseId: asString(r.id),
    responseModel: asString(r.model),
    finishReasons: choices.map((c) => finishReason(asObject(c)?.finish_reason) ?? 'error'),
    usage: tokenUsage(r.usage),
    outputMessages: captureContent ? () => choices.map(chatOutputMessage) : undefined,
  };
}

/** The chunk fields outside `choices` that Chat Completions and Completions streams share. */
export function readChunkEnvelope(acc: StreamAccumulator, chunk: Json): void {
  acc.responseId ??= asString(chunk.id);
  acc.responseModel ??= asString(chunk.model);
  if (chunk.usage) acc.usage = tokenUsage(chunk.usage);
}

/** One ChatCompletionChunk read into the accumulator; true when a choice in it finished. */
export function readChatCompletionsChunk(acc: StreamAccumulator, chunk: Json): boolean {
  readChunkEnvelope(acc, chunk);
  let finished = false;
  for (const raw of asArray(chunk.choices)) {
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
    if (choice.finish_reason) finished = true;
  }
  return finished;
}
