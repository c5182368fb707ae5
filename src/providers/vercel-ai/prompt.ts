/*
 * The AI SDK's prompt format (the `ModelMessage`s and instructions of a call, and the tool definitions
 * the model gets) → the conventions' message, instruction and tool-definition shapes. The shapes are the
 * same in `ai` 5, 6 and 7 where this reads them.
 */
import type { InputMessage, MessagePart, ToolDefinition } from '../../core';
import { asArray, asObject, asString, modalityOf, parseJsonIfPossible } from '../../core';

/** `instructions` / `system`: a string, a system message, or an array of them. */
export function systemInstructions(instructions: unknown): MessagePart[] | undefined {
  if (instructions === undefined || instructions === null) return undefined;
  const texts = (Array.isArray(instructions) ? instructions : [instructions])
    .map((i) => (typeof i === 'string' ? i : textOf(asObject(i)?.content)))
    .filter((t): t is string => typeof t === 'string' && t !== '');
  return texts.length > 0 ? texts.map((content) => ({ type: 'text', content })) : undefined;
}

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  const texts = asArray(content).map((p) => asString(asObject(p)?.text));
  return texts.some((t) => t !== undefined) ? texts.filter((t) => t !== undefined).join('') : undefined;
}

export function inputMessages(messages: unknown): InputMessage[] {
  return asArray(messages).map((raw) => {
    const m = asObject(raw) ?? {};
    const role = asString(m.role) ?? 'user';
    const parts = typeof m.content === 'string' ? [{ type: 'text', content: m.content }] : asArray(m.content).map(part);
    return { role, parts: parts.filter((p): p is MessagePart => p !== undefined) };
  });
}

/** One part of a message's content. */
export function part(raw: unknown): MessagePart | undefined {
  const p = asObject(raw);
  if (!p) return typeof raw === 'string' ? { type: 'text', content: raw } : undefined;
  switch (p.type) {
    case 'text':
      return { type: 'text', content: asString(p.text) ?? '' };
    case 'reasoning':
      return { type: 'reasoning', content: asString(p.text) ?? '' };
    case 'image':
      return dataPart(p.image, asString(p.mediaType) ?? asString(p.mimeType), 'image');
    case 'file':
      return dataPart(p.data, asString(p.mediaType) ?? asString(p.mimeType));
    case 'tool-call': {
      const call: MessagePart = { type: 'tool_call', name: asString(p.toolName) ?? '' };
      if (typeof p.toolCallId === 'string') call.id = p.toolCallId;
      call.arguments = typeof p.input === 'string' ? parseJsonIfPossible(p.input) : p.input ?? p.args;
      return call;
    }
    case 'tool-result': {
      const result: MessagePart = { type: 'tool_call_response', response: toolOutput(p.output ?? p.result) };
      if (typeof p.toolCallId === 'string') result.id = p.toolCallId;
      return result;
    }
    default:
      return typeof p.type === 'string' ? { type: p.type } : undefined;
  }
}

/** A tool result's `output` (`{ type: 'json' | 'text' | 'error-text' | ..., value }`) → its value. */
function toolOutput(output: unknown): unknown {
  const o = asObject(output);
  if (!o || typeof o.type !== 'string' || !('value' in o || 'reason' in o)) return output;
  return 'value' in o ? o.value : { type: o.type, reason: o.reason };
}

/** Inline data (base64 text, bytes, a data: URL) or a URL, as a blob or uri part. */
function dataPart(data: unknown, mimeType: string | undefined, fallbackModality?: string): MessagePart {
  const modality = mimeType ? modalityOf(mimeType) : fallbackModality ?? 'document';
  const typed = (p: MessagePart): MessagePart => (mimeType ? { ...p, mime_type: mimeType } : p);
  if (data instanceof URL) return typed({ type: 'uri', modality, uri: data.href });
  if (typeof data === 'string') {
    const dataUrl = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(data);
    if (dataUrl) {
      const mime = mimeType ?? (dataUrl[1] || undefined);
      return { type: 'blob', modality: mime ? modalityOf(mime) : modality, ...(mime && { mime_type: mime }), content: dataUrl[2]! };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(data)) return typed({ type: 'uri', modality, uri: data });
    return typed({ type: 'blob', modality, content: data });
  }
  if (data instanceof Uint8Array) return typed({ type: 'blob', modality, content: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') });
  if (data instanceof ArrayBuffer) return typed({ type: 'blob', modality, content: Buffer.from(data).toString('base64') });
  const o = asObject(data);
  // ai 7's file data: { type: 'url', url } | { type: 'data', data } | { type: 'text', text } ...
  if (o && o.url !== undefined) return dataPart(o.url instanceof URL ? o.url : asString(o.url) ?? '', mimeType, fallbackModality);
  if (o && o.data !== undefined) return dataPart(o.data, mimeType, fallbackModality);
  return typed({ type: 'blob', modality, content: '' });
}

/** The tools a model call offers (the provider-level definitions: `{ type: 'function', name, description, inputSchema }`). */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  return asArray(tools).map((raw) => {
    const t = asObject(raw) ?? {};
    const def: ToolDefinition = { type: asString(t.type) ?? 'function', name: asString(t.name) ?? asString(t.id) ?? '' };
    if (typeof t.description === 'string') def.description = t.description;
    const parameters = t.inputSchema ?? t.parameters;
    if (parameters !== undefined) def.parameters = parameters;
    return def;
  });
}
