/* Responses API input items, output items and tools → the conventions' shapes. */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../core';
import { asArray, asObject, asString, parseJsonIfPossible } from '../../core';
import { fileDataPart, imageUrlPart, inputAudioPart } from '../openai-shaped/common';

function inputContentPart(raw: unknown): MessagePart | undefined {
  const p = asObject(raw);
  if (!p) return typeof raw === 'string' ? { type: 'text', content: raw } : undefined;
  switch (p.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', content: asString(p.text) ?? '' };
    case 'refusal':
      return { type: 'text', content: asString(p.refusal) ?? '' };
    case 'input_image': {
      const fileId = asString(p.file_id);
      return fileId ? { type: 'file', modality: 'image', file_id: fileId } : imageUrlPart(asString(p.image_url) ?? '');
    }
    case 'input_file': {
      const fileId = asString(p.file_id);
      if (fileId) return { type: 'file', modality: 'document', file_id: fileId };
      const fileUrl = asString(p.file_url);
      return fileUrl ? { type: 'uri', modality: 'document', uri: fileUrl } : fileDataPart(p.file_data);
    }
    case 'input_audio':
      return inputAudioPart(asObject(p.input_audio));
    default:
      return typeof p.type === 'string' ? { type: p.type } : undefined;
  }
}

function reasoningText(item: Record<string, unknown>): string {
  const texts = [...asArray(item.content), ...asArray(item.summary)].map((s) => asString(asObject(s)?.text) ?? '');
  return texts.filter((t) => t !== '').join('\n');
}

/** Parts for one item that is not a plain message (tool calls, tool outputs, reasoning, built-in tools). */
function itemParts(item: Record<string, unknown>): { role: string; parts: MessagePart[] } {
  const type = asString(item.type) ?? '';
  switch (type) {
    case 'function_call':
    case 'custom_tool_call': {
      const part: MessagePart = { type: 'tool_call', name: asString(item.name) ?? '' };
      const id = asString(item.call_id) ?? asString(item.id);
      if (id) part.id = id;
      part.arguments = parseJsonIfPossible(item.arguments ?? item.input);
      return { role: 'assistant', parts: [part] };
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      // The tool's output as the app sent it (a string or content parts), like chat tool messages.
      const part: MessagePart = { type: 'tool_call_response', response: item.output };
      const id = asString(item.call_id);
      if (id) part.id = id;
      return { role: 'tool', parts: [part] };
    }
    case 'reasoning':
      return { role: 'assistant', parts: [{ type: 'reasoning', content: reasoningText(item) }] };
    default: {
      // Built-in (server-side) tools: web_search_call, file_search_call, code_interpreter_call, mcp_call...
      const toolType = type.endsWith('_call') ? type.slice(0, -'_call'.length) : type;
      const part: MessagePart = { type: 'server_tool_call', name: toolType, server_tool_call: { type: toolType } };
      const id = asString(item.id);
      if (id) part.id = id;
      return { role: 'assistant', parts: [part] };
    }
  }
}

function messageParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  return asArray(content).map(inputContentPart).filter((p): p is MessagePart => p !== undefined);
}

export function responsesInputMessages(input: unknown): InputMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  return asArray(input).map((raw) => {
    const item = asObject(raw) ?? {};
    if (item.role !== undefined && (item.type === undefined || item.type === 'message')) {
      return { role: asString(item.role) ?? 'user', parts: messageParts(item.content) };
    }
    return itemParts(item);
  });
}

export function responsesSystemInstructions(instructions: unknown): MessagePart[] | undefined {
  if (typeof instructions === 'string') return [{ type: 'text', content: instructions }];
  if (Array.isArray(instructions)) return responsesInputMessages(instructions).flatMap((m) => m.parts);
  return undefined;
}

export function responsesToolDefinitions(tools: unknown): ToolDefinition[] {
  return asArray(tools).map((raw) => {
    const t = asObject(raw) ?? {};
    const type = asString(t.type) ?? 'function';
    const def: ToolDefinition = { type, name: asString(t.name) ?? asString(t.server_label) ?? type };
    if (typeof t.description === 'string') def.description = t.description;
    if (t.parameters !== undefined) def.parameters = t.parameters;
    return def;
  });
}

/** All output items of a Response form one assistant message (a Response is one choice). */
export function responsesOutputMessage(output: unknown, finish: string): OutputMessage {
  const parts: MessagePart[] = [];
  for (const raw of asArray(output)) {
    const item = asObject(raw) ?? {};
    if (item.type === 'message') parts.push(...messageParts(item.content));
    else parts.push(...itemParts(item).parts);
  }
  return { role: 'assistant', parts, finish_reason: finish };
}
