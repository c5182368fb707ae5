/*
 * Cohere on Bedrock: Command R / R+ chat (`message`, `chat_history`, `preamble`, `tools`), the legacy
 * Command generate API (`prompt`, `num_generations`) and Embed (`texts`, `input_type`, `embedding_types`).
 */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition, Json } from '../../../core';
import { finishReasonMapper } from '../../../core/finish-reason';
import { asArray, asNumber, asObject, asString, asStrings } from '../../../core/readers';
import { BlockAccumulator } from '../block-accumulator';
import { type ModelFamily, UPPER_CASE_REASONS, promptContent, textOutputs, textStream } from './family';

/** Cohere finish reasons → the conventions' finish reasons (unknown values pass, lower-cased). */
export const cohereFinishReason = finishReasonMapper(
  {
    COMPLETE: 'stop',
    STOP_SEQUENCE: 'stop',
    MAX_TOKENS: 'length',
    ERROR_LIMIT: 'length',
    ERROR_TOXIC: 'content_filter',
    TOOL_CALL: 'tool_call',
    ERROR: 'error',
  },
  UPPER_CASE_REASONS,
);

const ROLES: Readonly<Record<string, string>> = { USER: 'user', CHATBOT: 'assistant', SYSTEM: 'system', TOOL: 'tool' };

function toolCallParts(calls: unknown): MessagePart[] {
  return asArray(calls).map((raw) => {
    const c = asObject(raw) ?? {};
    return { type: 'tool_call', name: asString(c.name) ?? '', arguments: c.parameters };
  });
}

/** `tool_results: [{call: {name, parameters}, outputs: [...]}]` (no call ids in Cohere's v1 API). */
function toolResultParts(results: unknown): MessagePart[] {
  return asArray(results).map((raw) => {
    const r = asObject(raw) ?? {};
    const outputs = asArray(r.outputs);
    return { type: 'tool_call_response', response: outputs.length === 1 ? outputs[0] : outputs };
  });
}

function chatHistory(history: unknown): InputMessage[] {
  return asArray(history).map((raw) => {
    const m = asObject(raw) ?? {};
    const role = asString(m.role) ?? 'USER';
    const parts: MessagePart[] = [];
    if (typeof m.message === 'string') parts.push({ type: 'text', content: m.message });
    parts.push(...toolCallParts(m.tool_calls), ...toolResultParts(m.tool_results));
    return { role: ROLES[role.toUpperCase()] ?? role.toLowerCase(), parts };
  });
}

function cohereTools(tools: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.map((raw) => {
    const t = asObject(raw) ?? {};
    const def: ToolDefinition = { type: 'function', name: asString(t.name) ?? '' };
    if (typeof t.description === 'string') def.description = t.description;
    if (t.parameter_definitions !== undefined) def.parameters = t.parameter_definitions;
    return def;
  });
}

function cohereChatOutput(body: Json, finishReason: string): OutputMessage {
  const parts: MessagePart[] = [];
  if (typeof body.text === 'string' && body.text !== '') parts.push({ type: 'text', content: body.text });
  parts.push(...toolCallParts(body.tool_calls));
  return { role: 'assistant', parts, finish_reason: finishReason };
}

function billedUsage(body: Json) {
  const billed = asObject(asObject(body.meta)?.billed_units);
  const input = asNumber(billed?.input_tokens);
  const output = asNumber(billed?.output_tokens);
  return input === undefined && output === undefined ? undefined : { inputTokens: input, outputTokens: output };
}

/** The sampling parameters of both Cohere text APIs. */
const samplingParams = (body: Json) => ({
  maxTokens: asNumber(body.max_tokens),
  temperature: asNumber(body.temperature),
  topP: asNumber(body.p),
  topK: asNumber(body.k),
  stopSequences: asStrings(body.stop_sequences),
});

/** Command R / R+: `/chat` v1. */
export const cohereChatFamily: ModelFamily = {
  name: 'cohere-chat',
  operation: () => 'chat',
  params: (body) => ({
    ...samplingParams(body),
    seed: asNumber(body.seed),
    frequencyPenalty: asNumber(body.frequency_penalty),
    presencePenalty: asNumber(body.presence_penalty),
  }),
  content(body) {
    const current: MessagePart[] = [...toolResultParts(body.tool_results)];
    if (typeof body.message === 'string' && body.message !== '') current.push({ type: 'text', content: body.message });
    return {
      systemInstructions: typeof body.preamble === 'string' ? [{ type: 'text', content: body.preamble }] : undefined,
      inputMessages: [...chatHistory(body.chat_history), ...(current.length > 0 ? [{ role: 'user', parts: current }] : [])],
      toolDefinitions: cohereTools(body.tools),
    };
  },
  response(body, captureContent) {
    const finishReason = cohereFinishReason(body.finish_reason) ?? 'error';
    return {
      responseId: asString(body.response_id),
      finishReasons: [finishReason],
      usage: billedUsage(body),
      outputMessages: captureContent ? () => [cohereChatOutput(body, finishReason)] : undefined,
    };
  },
  stream(_body, captureContent) {
    // Text deltas go to block 0; the stream-end event carries the whole response (tool calls, usage).
    const acc = new BlockAccumulator(captureContent);
    return {
      onChunk(chunk) {
        if (chunk.event_type === 'text-generation') acc.appendText(0, chunk.text);
        if (chunk.event_type === 'stream-end') {
          const response = asObject(chunk.response) ?? {};
          acc.responseId = asString(response.response_id);
          acc.finishReason = cohereFinishReason(chunk.finish_reason ?? response.finish_reason) ?? acc.finishReason;
          acc.usage = billedUsage(response);
          asArray(response.tool_calls).forEach((raw, i) => {
            const call = asObject(raw) ?? {};
            acc.startToolCall(i + 1, undefined, call.name);
            acc.appendToolInput(i + 1, JSON.stringify(call.parameters ?? {}));
          });
        }
      },
      toResponse: () => acc.toResponse(),
    };
  },
};

/** Legacy Command (text-v14, light): `/generate`, possibly several generations. */
export const cohereGenerateFamily: ModelFamily = {
  name: 'cohere-generate',
  operation: () => 'text_completion',
  params: (body) => ({ ...samplingParams(body), choiceCount: asNumber(body.num_generations) }),
  content: (body) => promptContent(body.prompt),
  response(body, captureContent) {
    const generations = asArray(body.generations).map((g) => asObject(g) ?? {});
    const finishReasons = generations.map((g) => cohereFinishReason(g.finish_reason) ?? 'error');
    return {
      responseId: asString(body.id),
      finishReasons,
      outputMessages: captureContent ? () => textOutputs(generations.map((g) => g.text), finishReasons) : undefined,
    };
  },
  stream(_body, captureContent) {
    return textStream(captureContent, (chunk, { acc, finish }) => {
      const index = asNumber(chunk.index) ?? 0;
      acc.appendText(index, asString(chunk.text));
      if (chunk.is_finished === true) finish(index, cohereFinishReason(chunk.finish_reason) ?? 'stop');
    });
  },
};

export const cohereEmbedFamily: ModelFamily = {
  name: 'cohere-embed',
  operation: () => 'embeddings',
  params: (body) => ({ encodingFormats: asStrings(body.embedding_types) }),
  response(body) {
    // `embeddings` is a list of vectors, or (with embedding_types) an object of lists by type.
    const byType = asObject(body.embeddings);
    const vectors = Array.isArray(body.embeddings) ? body.embeddings : asArray(byType?.[Object.keys(byType ?? {})[0] ?? '']);
    const first = vectors[0];
    return {
      responseId: asString(body.id),
      embeddingsDimensionCount: Array.isArray(first) ? first.length : undefined,
    };
  },
};
