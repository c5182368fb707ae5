/*
 * Anthropic Messages content → the conventions' message parts, system instructions and tool definitions.
 *
 * Block mapping (request `messages[].content` and response `content` alike):
 *   text                              → text
 *   image / document (base64 source)  → blob (modality image / document, mime_type from media_type)
 *   image / document (url source)     → uri;   (file source) → file (file_id)
 *   document (plain text source)      → text (the document's text: it is what the model reads)
 *   document (content source)         → its text and image blocks, in order
 *   search_result                     → text (its text blocks, joined)
 *   tool_use                          → tool_call (arguments: the `input` object)
 *   tool_result                       → tool_call_response (`response`: the text, or the parts when it holds
 *                                       more than text; `is_error: true` is kept)
 *   thinking                          → reasoning (the signature is dropped)
 *   redacted_thinking                 → reasoning with content `[REDACTED_THINKING]` (the encrypted data is
 *                                       dropped: it is opaque and unreadable)
 *   server_tool_use / mcp_tool_use    → server_tool_call (`server_tool_call: {type: <tool name>, ...input}`; MCP:
 *                                       type `mcp` with `server_name`)
 *   *_tool_result (web_search_tool_result, web_fetch_, code_execution_, bash_code_execution_,
 *     text_editor_code_execution_, tool_search_, advisor_, mcp_tool_result)
 *                                     → server_tool_call_response (`{type: <block type without
 *                                       _tool_result>, content}`, id = tool_use_id)
 *   container_upload                  → file (modality document)
 *   compaction                        → compaction (the genai main part: `{type, content}`)
 *   anything else                     → a generic part `{type: <block type>}` (no content)
 */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../core';
import { asArray, asObject, asString, finishReasonMapper, type Json, modalityOf } from '../../core';

/** The reasoning content recorded for a `redacted_thinking` block (its data is encrypted and left out). */
export const REDACTED_THINKING_CONTENT = '[REDACTED_THINKING]';

/**
 * Anthropic `stop_reason` → the conventions' finish reason. `model_context_window_exceeded`: the context
 * window ran out mid-generation, so the output was cut off by a token limit. `pause_turn` (a long
 * server-tool turn the app must continue) and future values are kept as they are.
 */
export const finishReason = finishReasonMapper({
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_call',
  refusal: 'content_filter',
});

/** An image or document `source` → a blob, uri or file part (undefined for the text and content sources). */
function sourcePart(source: Json | undefined, fallbackModality: 'image' | 'document'): MessagePart | undefined {
  const mime = asString(source?.media_type);
  const modality = modalityOf(mime, fallbackModality);
  const mimeField = mime ? { mime_type: mime } : {};
  switch (source?.type) {
    case 'base64':
      return { type: 'blob', modality, ...mimeField, content: asString(source.data) ?? '' };
    case 'url':
      return { type: 'uri', modality, ...mimeField, uri: asString(source.url) ?? '' };
    case 'file':
      return { type: 'file', modality, ...mimeField, file_id: asString(source.file_id) ?? '' };
    default:
      return undefined;
  }
}

function textOfBlocks(blocks: unknown): string {
  if (typeof blocks === 'string') return blocks;
  return asArray(blocks)
    .map((b) => asString(asObject(b)?.text) ?? '')
    .join('');
}

/** `{ id }` when the id is a string, else nothing (the conventions' ids are optional). */
function idOf(id: unknown): { id?: string } {
  return typeof id === 'string' ? { id } : {};
}

/** A `*_tool_result` block type → the server tool it answers (`web_search_tool_result` → `web_search`). */
function serverToolResultType(blockType: string): string {
  return blockType.replace(/_tool_result$/, '') || blockType;
}

function isServerToolResult(type: string): boolean {
  return type.endsWith('_tool_result') && type !== 'tool_result';
}

/** One content block → its parts (most blocks give one; a content-source document gives several). */
export function blockParts(raw: unknown): MessagePart[] {
  if (typeof raw === 'string') return [{ type: 'text', content: raw }];
  const b = asObject(raw);
  if (!b || typeof b.type !== 'string') return [];
  const type = b.type;
  switch (type) {
    case 'text':
      return [{ type: 'text', content: asString(b.text) ?? '' }];
    case 'image': {
      const part = sourcePart(asObject(b.source), 'image');
      return part ? [part] : [{ type: 'image' }];
    }
    case 'document': {
      const source = asObject(b.source);
      if (source?.type === 'text') return [{ type: 'text', content: asString(source.data) ?? '' }];
      if (source?.type === 'content') {
        return typeof source.content === 'string'
          ? [{ type: 'text', content: source.content }]
          : asArray(source.content).flatMap(blockParts);
      }
      const part = sourcePart(source, 'document');
      return part ? [part] : [{ type: 'document' }];
    }
    case 'search_result':
      return [{ type: 'text', content: textOfBlocks(b.content) }];
    case 'tool_use':
      return [{ type: 'tool_call', ...idOf(b.id), name: asString(b.name) ?? '', arguments: b.input }];
    case 'tool_result':
      return [
        {
          type: 'tool_call_response',
          ...idOf(b.tool_use_id),
          response: toolResultResponse(b.content),
          ...(b.is_error === true ? { is_error: true } : {}),
        },
      ];
    case 'thinking':
      return [{ type: 'reasoning', content: asString(b.thinking) ?? '' }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', content: REDACTED_THINKING_CONTENT }];
    case 'server_tool_use':
    case 'mcp_tool_use': {
      const name = asString(b.name) ?? '';
      const input = asObject(b.input);
      const call: Json =
        type === 'mcp_tool_use'
          ? { ...(input ?? {}), type: 'mcp', ...(typeof b.server_name === 'string' ? { server_name: b.server_name } : {}) }
          : { ...(input ?? {}), type: name || 'server_tool' };
      if (!input && b.input !== undefined) call.input = b.input;
      return [{ type: 'server_tool_call', ...idOf(b.id), name, server_tool_call: call as { type: string } }];
    }
    case 'container_upload':
      return [{ type: 'file', modality: 'document', file_id: asString(b.file_id) ?? '' }];
    case 'compaction':
      return [{ type: 'compaction', content: asString(b.content) ?? '' }];
    default: {
      if (isServerToolResult(type)) {
        const response: Json = { type: serverToolResultType(type), content: b.content };
        if (b.is_error === true) response.is_error = true;
        return [{ type: 'server_tool_call_response', ...idOf(b.tool_use_id), server_tool_call_response: response as { type: string } }];
      }
      return [{ type }];
    }
  }
}

/** A tool result's `content`: a string as it is, text blocks as their text, anything richer as parts. */
function toolResultResponse(content: unknown): unknown {
  if (content === undefined || content === null || typeof content === 'string') return content ?? '';
  const blocks = asArray(content);
  if (blocks.every((b) => asObject(b)?.type === 'text')) return textOfBlocks(blocks);
  return blocks.flatMap(blockParts);
}

export function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  return asArray(content).flatMap(blockParts);
}

/** `system`: a string or text blocks → system instruction parts; undefined when absent or empty. */
export function systemInstructions(system: unknown): MessagePart[] | undefined {
  if (system === undefined || system === null) return undefined;
  const parts = contentParts(system);
  return parts.length > 0 ? parts : undefined;
}

/** `messages` → input messages (roles `user`, `assistant`, and 1.x `system` messages in the history), in order. */
export function inputMessages(messages: unknown): InputMessage[] {
  return asArray(messages).map((raw) => {
    const m = asObject(raw) ?? {};
    return { role: asString(m.role) ?? 'user', parts: contentParts(m.content) };
  });
}

/**
 * `tools` → tool definitions: a custom tool is a `function` with its `input_schema` as parameters; a server
 * tool (`web_search_20250305`, `bash_20250124`, an MCP toolset, ...) keeps its versioned type and its name.
 */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  return asArray(tools).map((raw) => {
    const t = asObject(raw) ?? {};
    const custom = t.type === undefined || t.type === null || t.type === 'custom';
    const type = custom ? 'function' : (asString(t.type) ?? 'function');
    const name = asString(t.name) ?? asString(t.mcp_server_name) ?? type;
    const def: ToolDefinition = { type, name };
    if (typeof t.description === 'string') def.description = t.description;
    if (custom && t.input_schema !== undefined) def.parameters = t.input_schema;
    return def;
  });
}

/** A response `Message` (or one assembled from a stream) → its output message. */
export function outputMessage(content: unknown, stopReason: unknown, role = 'assistant'): OutputMessage {
  return { role, parts: contentParts(content), finish_reason: finishReason(stopReason) ?? 'error' };
}
