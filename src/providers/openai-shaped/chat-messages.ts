/* Chat Completions messages and tools → the conventions' message and tool-definition shapes. */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../core';
import { asArray, asObject, asString, parseJsonIfPossible } from '../../core';
import { fileDataPart, finishReason, imageUrlPart, inputAudioPart } from './common';

/** One user-content part of a chat message. */
function contentPart(raw: unknown): MessagePart | undefined {
  const p = asObject(raw);
  if (!p) return typeof raw === 'string' ? { type: 'text', content: raw } : undefined;
  switch (p.type) {
    case 'text':
      return { type: 'text', content: asString(p.text) ?? '' };
    case 'refusal':
      return { type: 'text', content: asString(p.refusal) ?? '' };
    case 'image_url':
      return imageUrlPart(asString(asObject(p.image_url)?.url) ?? '');
    case 'input_audio':
      return inputAudioPart(asObject(p.input_audio));
    case 'file': {
      const file = asObject(p.file);
      const fileId = asString(file?.file_id);
      return fileId ? { type: 'file', modality: 'document', file_id: fileId } : fileDataPart(file?.file_data);
    }
    default:
      return typeof p.type === 'string' ? { type: p.type } : undefined;
  }
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  return asArray(content).map(contentPart).filter((p): p is MessagePart => p !== undefined);
}

function textOf(content: unknown): unknown {
  if (typeof content === 'string' || !Array.isArray(content)) return content;
  return content.map((p) => asString(asObject(p)?.text) ?? '').join('');
}

function toolCallParts(toolCalls: unknown): MessagePart[] {
  return asArray(toolCalls).map((raw) => {
    const call = asObject(raw) ?? {};
    const fn = asObject(call.function) ?? asObject(call.custom) ?? {};
    const part: MessagePart = { type: 'tool_call', name: asString(fn.name) ?? '' };
    if (typeof call.id === 'string') part.id = call.id;
    part.arguments = parseJsonIfPossible(fn.arguments ?? fn.input);
    return part;
  });
}

export function chatInputMessages(messages: unknown): InputMessage[] {
  return asArray(messages).map((raw) => {
    const m = asObject(raw) ?? {};
    const role = asString(m.role) ?? 'user';
    let parts: MessagePart[];
    if (role === 'tool' || role === 'function') {
      const part: MessagePart = { type: 'tool_call_response', response: textOf(m.content) };
      const id = asString(m.tool_call_id) ?? asString(m.name);
      if (id) part.id = id;
      parts = [part];
    } else {
      parts = contentParts(m.content);
      if (typeof m.refusal === 'string') parts.push({ type: 'text', content: m.refusal });
      parts.push(...toolCallParts(m.tool_calls));
      const fnCall = asObject(m.function_call);
      if (fnCall) parts.push({ type: 'tool_call', name: asString(fnCall.name) ?? '', arguments: parseJsonIfPossible(fnCall.arguments) });
    }
    const message: InputMessage = { role, parts };
    if (typeof m.name === 'string' && role !== 'function') message.name = m.name;
    return message;
  });
}

export function chatToolDefinitions(tools: unknown, functions?: unknown): ToolDefinition[] {
  const defs: ToolDefinition[] = [];
  for (const raw of asArray(tools)) {
    const t = asObject(raw) ?? {};
    const type = asString(t.type) ?? 'function';
    const body = asObject(t[type]) ?? asObject(t.function) ?? {};
    const def: ToolDefinition = { type, name: asString(body.name) ?? type };
    if (typeof body.description === 'string') def.description = body.description;
    if (body.parameters !== undefined) def.parameters = body.parameters;
    defs.push(def);
  }
  for (const raw of asArray(functions)) {
    const f = asObject(raw) ?? {};
    const def: ToolDefinition = { type: 'function', name: asString(f.name) ?? '' };
    if (typeof f.description === 'string') def.description = f.description;
    if (f.parameters !== undefined) def.parameters = f.parameters;
    defs.push(def);
  }
  return defs;
}

/** One choice of a ChatCompletion → one output message. */
export function chatOutputMessage(choice: unknown): OutputMessage {
  const c = asObject(choice) ?? {};
  const m = asObject(c.message) ?? {};
  const parts: MessagePart[] = [];
  const reasoning = asString(m.reasoning_content);
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  if (typeof m.content === 'string' && m.content !== '') parts.push({ type: 'text', content: m.content });
  if (typeof m.refusal === 'string' && m.refusal !== '') parts.push({ type: 'text', content: m.refusal });
  const audio = asObject(m.audio);
  if (audio && typeof audio.transcript === 'string') parts.push({ type: 'text', content: audio.transcript });
  parts.push(...toolCallParts(m.tool_calls));
  const fnCall = asObject(m.function_call);
  if (fnCall) parts.push({ type: 'tool_call', name: asString(fnCall.name) ?? '', arguments: parseJsonIfPossible(fnCall.arguments) });
  return { role: asString(m.role) ?? 'assistant', parts, finish_reason: finishReason(c.finish_reason) ?? 'error' };
}
