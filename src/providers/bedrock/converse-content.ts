/*
 * Converse content blocks (and the same shapes in Amazon Nova's `messages-v1` InvokeModel bodies) → the
 * conventions' parts, messages and tool definitions. Converse is a union per block: exactly one member
 * (`text`, `image`, `toolUse`, ...) is set. Binary sources are bytes in the SDK (Uint8Array) and base64
 * strings in Nova's JSON; both become base64 `blob` parts, S3 locations become `uri` parts.
 */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../core';
import type { Json } from '../../core';
import { finishReasonMapper } from '../../core/finish-reason';
import { asArray, asObject, asString } from '../../core/readers';
import { base64Of } from './json';

const DOCUMENT_MIME_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  txt: 'text/plain',
  md: 'text/markdown',
};

const VIDEO_MIME_TYPES: Readonly<Record<string, string>> = {
  mkv: 'video/x-matroska',
  mov: 'video/quicktime',
  flv: 'video/x-flv',
  wmv: 'video/x-ms-wmv',
  three_gp: 'video/3gpp',
  mpg: 'video/mpeg',
};

const AUDIO_MIME_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  mpga: 'audio/mpeg',
  m4a: 'audio/mp4',
  mka: 'audio/x-matroska',
  mkv: 'audio/x-matroska',
  'x-aac': 'audio/aac',
  pcm: 'audio/L16',
};

function mimeType(modality: string, format: string | undefined): string | undefined {
  if (!format) return undefined;
  const f = format.toLowerCase();
  if (modality === 'image') return `image/${f === 'jpg' ? 'jpeg' : f}`;
  if (modality === 'document') return DOCUMENT_MIME_TYPES[f];
  if (modality === 'video') return VIDEO_MIME_TYPES[f] ?? `video/${f}`;
  if (modality === 'audio') return AUDIO_MIME_TYPES[f] ?? `audio/${f}`;
  return undefined;
}

/** An image / document / video / audio block: inline bytes → blob, S3 → uri, document text → text. */
function mediaParts(modality: string, block: Json | undefined): MessagePart[] {
  const source = asObject(block?.source) ?? {};
  const mime = mimeType(modality, asString(block?.format));
  const withMime = mime ? { mime_type: mime } : {};
  const bytes = base64Of(source.bytes);
  if (bytes !== undefined) return [{ type: 'blob', modality, ...withMime, content: bytes }];
  const s3 = asString(asObject(source.s3Location)?.uri);
  if (s3 !== undefined) return [{ type: 'uri', modality, ...withMime, uri: s3 }];
  // Documents can also be given as text, or as a list of text chunks.
  if (typeof source.text === 'string') return [{ type: 'text', content: source.text }];
  if (Array.isArray(source.content)) {
    return source.content.flatMap((c) => {
      const text = asString(asObject(c)?.text);
      return text === undefined ? [] : [{ type: 'text', content: text }];
    });
  }
  return [{ type: modality }];
}

/** A tool result's content blocks: one text or JSON block is the response itself, several a list. */
function toolResultResponse(content: unknown): unknown {
  const items = asArray(content).map((raw) => {
    const c = asObject(raw) ?? {};
    if (typeof c.text === 'string') return c.text;
    if ('json' in c) return c.json;
    for (const modality of ['image', 'document', 'video'] as const) {
      if (c[modality]) return mediaParts(modality, asObject(c[modality]))[0];
    }
    return c;
  });
  return items.length === 1 ? items[0] : items;
}

/** One Converse content block → its parts (none for cache points and other markers). */
export function converseContentParts(raw: unknown): MessagePart[] {
  const b = asObject(raw);
  if (!b) return typeof raw === 'string' ? [{ type: 'text', content: raw }] : [];
  if (typeof b.text === 'string') return [{ type: 'text', content: b.text }];
  if (b.image) return mediaParts('image', asObject(b.image));
  if (b.document) return mediaParts('document', asObject(b.document));
  if (b.video) return mediaParts('video', asObject(b.video));
  if (b.audio) return mediaParts('audio', asObject(b.audio));
  if (b.toolUse) {
    const t = asObject(b.toolUse) ?? {};
    const part: MessagePart = { type: 'tool_call', name: asString(t.name) ?? '' };
    if (typeof t.toolUseId === 'string') part.id = t.toolUseId;
    part.arguments = t.input;
    return [part];
  }
  if (b.toolResult) {
    const t = asObject(b.toolResult) ?? {};
    const part: MessagePart = { type: 'tool_call_response', response: toolResultResponse(t.content) };
    if (typeof t.toolUseId === 'string') part.id = t.toolUseId;
    return [part];
  }
  if (b.reasoningContent) {
    // Redacted (encrypted) reasoning has no text to record.
    const text = asString(asObject(asObject(b.reasoningContent)?.reasoningText)?.text);
    return text === undefined ? [] : [{ type: 'reasoning', content: text }];
  }
  if (b.guardContent) {
    const text = asString(asObject(asObject(b.guardContent)?.text)?.text);
    return text === undefined ? [] : [{ type: 'text', content: text }];
  }
  if (b.citationsContent) {
    return asArray(asObject(b.citationsContent)?.content).flatMap((c) => {
      const text = asString(asObject(c)?.text);
      return text === undefined ? [] : [{ type: 'text', content: text }];
    });
  }
  if (b.cachePoint) return [];
  // An unknown union member (the SDK's `$unknown: [name, value]`) or a newer block type.
  const unknown = asArray(b.$unknown);
  const name = typeof unknown[0] === 'string' ? unknown[0] : Object.keys(b)[0];
  return name ? [{ type: name }] : [];
}

export function converseParts(content: unknown): MessagePart[] {
  return asArray(content).flatMap(converseContentParts);
}

export function converseInputMessages(messages: unknown): InputMessage[] {
  return asArray(messages).map((raw) => {
    const m = asObject(raw) ?? {};
    return { role: asString(m.role) ?? 'user', parts: converseParts(m.content) };
  });
}

/** `system` blocks (text, guard content; cache points dropped) → system instruction parts. */
export function converseSystemInstructions(system: unknown): MessagePart[] | undefined {
  if (system === undefined) return undefined;
  return converseParts(system);
}

/** `toolConfig.tools`: tool specs become function definitions, system tools keep their name. */
export function converseToolDefinitions(toolConfig: unknown): ToolDefinition[] | undefined {
  const tools = asObject(toolConfig)?.tools;
  if (!Array.isArray(tools)) return undefined;
  const defs: ToolDefinition[] = [];
  for (const raw of tools) {
    const t = asObject(raw) ?? {};
    const spec = asObject(t.toolSpec);
    if (spec) {
      const def: ToolDefinition = { type: 'function', name: asString(spec.name) ?? '' };
      if (typeof spec.description === 'string') def.description = spec.description;
      const schema = asObject(spec.inputSchema);
      if (schema && 'json' in schema) def.parameters = schema.json;
      defs.push(def);
      continue;
    }
    const systemTool = asObject(t.systemTool);
    if (systemTool) defs.push({ type: 'system_tool', name: asString(systemTool.name) ?? '' });
  }
  return defs;
}

export function converseOutputMessage(message: unknown, finishReason: string): OutputMessage {
  const m = asObject(message) ?? {};
  return { role: asString(m.role) ?? 'assistant', parts: converseParts(m.content), finish_reason: finishReason };
}

/**
 * Converse and Nova stop reasons → the conventions' finish reasons. Running into the context window is
 * a length stop; malformed output or tool use is a failed generation (`error`); unknown values pass as is.
 */
export const converseFinishReason = finishReasonMapper({
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_call',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
});
