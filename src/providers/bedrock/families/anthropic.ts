/*
 * Anthropic Claude on Bedrock: the Messages API body (`anthropic_version: "bedrock-2023-05-31"`), and the
 * legacy Text Completions body (`prompt`, `max_tokens_to_sample`) of Claude 2. Streamed chunks carry the
 * Anthropic stream events (message_start, content_block_start/delta/stop, message_delta, message_stop).
 */
import type { InputMessage, InvocationResponse, MessagePart, ToolDefinition, TokenUsage } from '../../../core';
import { StreamAccumulator } from '../../../core';
import { BlockAccumulator } from '../block-accumulator';
import { asArray, asNumber, asObject, asString, asStrings, type Json } from '../json';
import { type ModelFamily, textStream } from './family';

/** Anthropic stop reasons → the conventions' finish reasons (unknown values pass as they are). */
export function anthropicFinishReason(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  switch (v) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_call';
    case 'refusal':
      return 'content_filter';
    default:
      return v;
  }
}

/** Anthropic usage: `input_tokens` excludes the cache, so input = input + cache read + cache creation (the conventions' Anthropic rule). */
export function anthropicUsage(u: unknown, previous?: TokenUsage): TokenUsage | undefined {
  const usage = asObject(u);
  if (!usage) return previous;
  const input = asNumber(usage.input_tokens);
  // In a stream, message_delta repeats only some counts: the cache counts of message_start still hold.
  const cacheRead = asNumber(usage.cache_read_input_tokens) ?? previous?.cacheReadInputTokens;
  const cacheCreation = asNumber(usage.cache_creation_input_tokens) ?? previous?.cacheCreationInputTokens;
  const result: TokenUsage = { ...previous };
  if (input !== undefined) {
    result.inputTokens = input + (cacheRead ?? 0) + (cacheCreation ?? 0);
    if (cacheRead !== undefined) result.cacheReadInputTokens = cacheRead;
    if (cacheCreation !== undefined) result.cacheCreationInputTokens = cacheCreation;
  }
  const output = asNumber(usage.output_tokens);
  if (output !== undefined) result.outputTokens = output;
  return result;
}

function sourcePart(modality: string, source: Json | undefined): MessagePart {
  const mime = asString(source?.media_type);
  const withMime = mime ? { mime_type: mime } : {};
  switch (source?.type) {
    case 'base64':
      return { type: 'blob', modality, ...withMime, content: asString(source.data) ?? '' };
    case 'url':
      return { type: 'uri', modality, ...withMime, uri: asString(source.url) ?? '' };
    case 'file':
      return { type: 'file', modality, ...withMime, file_id: asString(source.file_id) ?? '' };
    case 'text':
      return { type: 'text', content: asString(source.data) ?? '' };
    default:
      return { type: modality };
  }
}

function toolResultResponse(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const items = content.map((raw) => {
    const c = asObject(raw) ?? {};
    return c.type === 'text' ? c.text : blockParts(c)[0] ?? c;
  });
  return items.length === 1 ? items[0] : items;
}

/** One Anthropic content block → its parts. */
function blockParts(raw: unknown): MessagePart[] {
  const b = asObject(raw);
  if (!b) return typeof raw === 'string' ? [{ type: 'text', content: raw }] : [];
  switch (b.type) {
    case 'text':
      return [{ type: 'text', content: asString(b.text) ?? '' }];
    case 'image':
      return [sourcePart('image', asObject(b.source))];
    case 'document':
      return [sourcePart('document', asObject(b.source))];
    case 'tool_use': {
      const part: MessagePart = { type: 'tool_call', name: asString(b.name) ?? '' };
      if (typeof b.id === 'string') part.id = b.id;
      part.arguments = b.input;
      return [part];
    }
    case 'tool_result': {
      const part: MessagePart = { type: 'tool_call_response', response: toolResultResponse(b.content) };
      if (typeof b.tool_use_id === 'string') part.id = b.tool_use_id;
      return [part];
    }
    case 'thinking':
      return [{ type: 'reasoning', content: asString(b.thinking) ?? '' }];
    case 'redacted_thinking':
      return [];
    default:
      return typeof b.type === 'string' ? [{ type: b.type }] : [];
  }
}

const contentParts = (content: unknown): MessagePart[] =>
  typeof content === 'string' ? [{ type: 'text', content }] : asArray(content).flatMap(blockParts);

export function anthropicInputMessages(messages: unknown): InputMessage[] {
  return asArray(messages).map((raw) => {
    const m = asObject(raw) ?? {};
    return { role: asString(m.role) ?? 'user', parts: contentParts(m.content) };
  });
}

export function anthropicToolDefinitions(tools: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.map((raw) => {
    const t = asObject(raw) ?? {};
    // Client tools have no type (or `custom`); server tools (bash, web search, ...) are typed.
    const type = typeof t.type === 'string' && t.type !== 'custom' ? t.type : 'function';
    const def: ToolDefinition = { type, name: asString(t.name) ?? type };
    if (typeof t.description === 'string') def.description = t.description;
    if (t.input_schema !== undefined) def.parameters = t.input_schema;
    return def;
  });
}

const isLegacyCompletion = (body: Json) => typeof body.prompt === 'string' && !Array.isArray(body.messages);

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
    if (isLegacyCompletion(body)) return { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: body.prompt as string }] }] };
    return {
      systemInstructions: body.system === undefined ? undefined : contentParts(body.system),
      inputMessages: anthropicInputMessages(body.messages),
      toolDefinitions: anthropicToolDefinitions(body.tools),
    };
  },
  response(body, captureContent): InvocationResponse {
    const finishReason = anthropicFinishReason(body.stop_reason) ?? 'error';
    const legacy = typeof body.completion === 'string';
    return {
      responseId: asString(body.id),
      responseModel: asString(body.model),
      finishReasons: [finishReason],
      usage: anthropicUsage(body.usage),
      outputMessages: captureContent
        ? () => [
            {
              role: asString(body.role) ?? 'assistant',
              parts: legacy ? [{ type: 'text', content: body.completion as string }] : contentParts(body.content),
              finish_reason: finishReason,
            },
          ]
        : undefined,
    };
  },
  stream(body, captureContent) {
    if (isLegacyCompletion(body)) {
      const acc = new StreamAccumulator(captureContent);
      return textStream(acc, (chunk, finished) => {
        acc.appendText(0, asString(chunk.completion));
        const reason = anthropicFinishReason(chunk.stop_reason);
        if (reason) {
          acc.setFinishReason(0, reason);
          finished();
        }
      });
    }
    const acc = new BlockAccumulator(captureContent);
    return {
      onChunk(chunk) {
        switch (chunk.type) {
          case 'message_start': {
            const message = asObject(chunk.message) ?? {};
            acc.responseId = asString(message.id);
            acc.responseModel = asString(message.model);
            if (typeof message.role === 'string') acc.role = message.role;
            acc.usage = anthropicUsage(message.usage, acc.usage);
            break;
          }
          case 'content_block_start': {
            const index = asNumber(chunk.index) ?? 0;
            const block = asObject(chunk.content_block) ?? {};
            if (block.type === 'tool_use') {
              acc.startToolCall(index, block.id, block.name);
              // A non-empty `input` here is the whole input (the deltas then add nothing).
              const input = asObject(block.input);
              if (input && Object.keys(input).length > 0) acc.appendToolInput(index, JSON.stringify(input));
            } else if (block.type === 'text') acc.appendText(index, block.text);
            else if (block.type === 'thinking') acc.appendReasoning(index, block.thinking);
            break;
          }
          case 'content_block_delta': {
            const index = asNumber(chunk.index) ?? 0;
            const delta = asObject(chunk.delta) ?? {};
            if (delta.type === 'text_delta') acc.appendText(index, delta.text);
            else if (delta.type === 'input_json_delta') acc.appendToolInput(index, delta.partial_json);
            else if (delta.type === 'thinking_delta') acc.appendReasoning(index, delta.thinking);
            break;
          }
          case 'message_delta':
            acc.finishReason = anthropicFinishReason(asObject(chunk.delta)?.stop_reason) ?? acc.finishReason;
            // Cumulative counts: the last message_delta has the final output (and, lately, input) tokens.
            acc.usage = anthropicUsage(chunk.usage, acc.usage);
            break;
        }
      },
      toResponse: () => acc.toResponse(),
    };
  },
};

