/*
 * The Anthropic Messages API body → the core model, for every API that speaks it: the Anthropic SDK's
 * messages.create, and Claude's InvokeModel bodies on Bedrock (`anthropic_version: "bedrock-2023-05-31"`).
 * Only what the format itself says is read here: request parameters and content, the response `Message`,
 * its stream events. A provider adds its own envelope (endpoint, model id, `stream`) to what it gets here.
 */
import type { ChunkHandler, InvocationResponse, RequestContent, RequestParameters, TokenUsage } from '../../core';
import { asArray, asNumber, asObject, asString, inputIncludingCache, type Json, parseJsonIfPossible } from '../../core';
import { finishReason, inputMessages, outputMessage, systemInstructions, toolDefinitions } from './content';

/** A request body's parameters, the shared ones (output type, reasoning level) included. */
export function messagesParams(body: Json): RequestParameters {
  const outputConfig = asObject(body.output_config);
  // `output_format` is the structured-outputs beta's field, `output_config.format` the GA one.
  const format = asObject(outputConfig?.format) ?? asObject(body.output_format);
  return {
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: stopSequences(body.stop_sequences),
    stream: body.stream === true,
    outputType: format?.type === 'json_schema' ? 'json' : undefined,
    // `output_config.effort` is the reasoning effort.
    reasoningLevel: asString(outputConfig?.effort) || undefined,
  };
}

/** A request body's content: its system prompt, messages and tools. */
export function messagesContent(body: Json): RequestContent {
  return {
    systemInstructions: systemInstructions(body.system),
    inputMessages: inputMessages(body.messages),
    toolDefinitions: toolDefinitions(body.tools),
  };
}

function stopSequences(v: unknown): string[] | undefined {
  const strings = asArray(v).filter((s): s is string => typeof s === 'string');
  return strings.length > 0 ? strings : undefined;
}

/**
 * Anthropic usage → the conventions' usage. Anthropic's `input_tokens` excludes the cache, so the
 * conventions' input is `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`; the cache
 * counters are reported on their own too (when the API sends them, 0 included). Reasoning is
 * `output_tokens_details.thinking_tokens` (a subset of output).
 */
export function tokenUsage(v: unknown): TokenUsage | undefined {
  const u = asObject(v);
  if (!u) return undefined;
  const input = asNumber(u.input_tokens);
  const cacheRead = asNumber(u.cache_read_input_tokens);
  const cacheCreation = asNumber(u.cache_creation_input_tokens);
  return {
    inputTokens: input === undefined ? undefined : inputIncludingCache(input, cacheRead, cacheCreation),
    outputTokens: asNumber(u.output_tokens),
    cacheReadInputTokens: cacheRead,
    cacheCreationInputTokens: cacheCreation,
    reasoningOutputTokens: asNumber(asObject(u.output_tokens_details)?.thinking_tokens),
  };
}

/** A fallback block (beta) names the model that produced the rest of the message. */
function fallbackModel(block: Json | undefined): string | undefined {
  return block?.type === 'fallback' ? asString(asObject(block.to)?.model) : undefined;
}

function lastFallbackModel(content: unknown): string | undefined {
  let model: string | undefined;
  for (const b of asArray(content)) model = fallbackModel(asObject(b)) ?? model;
  return model;
}

/** A `Message` (a parsed response body): id, model, stop reason, usage, the output message. */
export function messagesResponse(result: unknown, captureContent: boolean): InvocationResponse {
  const m = asObject(result) ?? {};
  return {
    responseId: asString(m.id),
    responseModel: lastFallbackModel(m.content) ?? asString(m.model),
    finishReasons: [finishReason(m.stop_reason) ?? 'error'],
    usage: tokenUsage(m.usage),
    outputMessages: captureContent ? () => [outputMessage(m.content, m.stop_reason, asString(m.role))] : undefined,
  };
}

interface BlockBuffer {
  block: Json;
  /** `input_json_delta` fragments of a tool-use block, parsed into `input` at `content_block_stop`. */
  partialJson: string;
}

/** Usage counters that `message_delta` repeats as totals for the whole message (null when they do not apply). */
const DELTA_TOTALS = ['input_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'output_tokens_details'];

/**
 * The chunk handler of a streamed message (see core's StreamObserver): the Anthropic SDK's streams and
 * Bedrock's Claude InvokeModel streams. It assembles the message from its events, as the SDK's
 * MessageStream does: `message_start` (id, model, initial usage), `content_block_start/delta/stop` per block
 * index (text, tool input JSON, thinking), `message_delta` (stop reason, cumulative usage), `message_stop`.
 * Block content is kept only when content is captured.
 */
export class MessageChunkHandler implements ChunkHandler {
  private responseId?: string;
  private responseModel?: string;
  private role?: string;
  private stopReason?: string;
  private readonly usage: Json = {};
  private sawUsage = false;
  private readonly blocks = new Map<number, BlockBuffer>();

  constructor(private readonly captureContent: boolean) {}

  onChunk(chunk: unknown): void {
    const e = asObject(chunk);
    if (!e) return;
    switch (e.type) {
      case 'message_start': {
        const m = asObject(e.message) ?? {};
        this.responseId ??= asString(m.id);
        this.responseModel ??= asString(m.model);
        this.role ??= asString(m.role);
        const usage = asObject(m.usage);
        if (usage) {
          Object.assign(this.usage, usage);
          this.sawUsage = true;
        }
        return;
      }
      case 'content_block_start': {
        const block = asObject(e.content_block);
        const model = fallbackModel(block);
        if (model) this.responseModel = model;
        if (this.captureContent && block) this.blocks.set(asNumber(e.index) ?? this.blocks.size, { block: { ...block }, partialJson: '' });
        return;
      }
      case 'content_block_delta':
        if (this.captureContent) this.applyDelta(asNumber(e.index), asObject(e.delta));
        return;
      case 'content_block_stop': {
        const buffer = this.blocks.get(asNumber(e.index) ?? -1);
        if (buffer) settleInput(buffer);
        return;
      }
      case 'message_delta': {
        const reason = asString(asObject(e.delta)?.stop_reason);
        if (reason) this.stopReason = reason;
        const usage = asObject(e.usage);
        if (usage) {
          // output_tokens is cumulative; the other counters are totals when present (null otherwise).
          if (usage.output_tokens !== undefined && usage.output_tokens !== null) this.usage.output_tokens = usage.output_tokens;
          for (const key of DELTA_TOTALS) if (usage[key] !== undefined && usage[key] !== null) this.usage[key] = usage[key];
          this.sawUsage = true;
        }
        return;
      }
    }
  }

  private applyDelta(index: number | undefined, delta: Json | undefined): void {
    const buffer = this.blocks.get(index ?? -1);
    if (!buffer || !delta) return;
    const block = buffer.block;
    switch (delta.type) {
      case 'text_delta':
        block.text = (asString(block.text) ?? '') + (asString(delta.text) ?? '');
        return;
      case 'input_json_delta':
        buffer.partialJson += asString(delta.partial_json) ?? '';
        return;
      case 'thinking_delta':
        block.thinking = (asString(block.thinking) ?? '') + (asString(delta.thinking) ?? '');
        return;
      case 'compaction_delta':
        if (typeof delta.content === 'string') block.content = (asString(block.content) ?? '') + delta.content;
        return;
      // signature_delta, citations_delta: not content the conventions record.
    }
  }

  toResponse(_interrupted: boolean): InvocationResponse {
    const stopReason = this.stopReason;
    const role = this.role;
    const blocks = [...this.blocks.entries()].sort((a, b) => a[0] - b[0]).map(([, buffer]) => buffer);
    return {
      responseId: this.responseId,
      responseModel: this.responseModel,
      // One message per call: a stream cut off before its stop reason (or ending without one) reports `error`.
      finishReasons: [finishReason(stopReason) ?? 'error'],
      usage: this.sawUsage ? tokenUsage(this.usage) : undefined,
      outputMessages: this.captureContent
        ? () => {
            for (const buffer of blocks) settleInput(buffer);
            return [outputMessage(blocks.map((b) => b.block), stopReason, role)];
          }
        : undefined,
    };
  }
}

/** A tool-use block's streamed input: the parsed JSON, or the raw text when the stream was cut off mid-way. */
function settleInput(buffer: BlockBuffer): void {
  if (buffer.partialJson === '') return;
  buffer.block.input = parseJsonIfPossible(buffer.partialJson);
  buffer.partialJson = '';
}
