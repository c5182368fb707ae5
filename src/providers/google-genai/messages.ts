/*
 * @google/genai contents, parts, system instructions, tools and candidates → the conventions' message,
 * part and tool-definition shapes.
 *
 * Roles: Gemini's `model` is the conventions' `assistant`; a turn holding only function responses (role
 * `user` in the Gemini API, `function` in older payloads) is a `tool` message, as the conventions' examples
 * put tool results. Parts: text (`thought: true` → reasoning), `inlineData` → blob, `fileData` → uri (or
 * file, for a bare file name), `functionCall` → tool_call, `functionResponse` → tool_call_response (its
 * `response` object), `executableCode` / `codeExecutionResult` and built-in `toolCall` / `toolResponse` →
 * server_tool_call / server_tool_call_response. Metadata-only parts (a bare thought signature) are left out.
 */
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../core';
import type { Json } from '../../core';
import { asArray, asObject, asString, modalityOf } from '../../core/readers';

/** Part fields that only qualify the data field next to them. */
const PART_METADATA = new Set(['thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution', 'mediaProcessing', 'speechMetadata']);

const withId = (id: unknown): { id?: string } => (typeof id === 'string' && id !== '' ? { id } : {});
const withMime = (mime: string | undefined): { mime_type?: string } => (mime ? { mime_type: mime } : {});

/** `GOOGLE_SEARCH_WEB` → `google_search_web`; `googleSearch` → `google_search`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The text of a text or thought part (or of a bare string, which the SDK turns into a text part). */
export function partText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  const text = asObject(raw)?.text;
  return typeof text === 'string' ? text : undefined;
}

/** The kind of a part that has text (see partText): a thought is reasoning. */
export function textPartType(raw: unknown): 'text' | 'reasoning' {
  return typeof raw !== 'string' && asObject(raw)?.thought === true ? 'reasoning' : 'text';
}

/** One Gemini part (or a bare string, which the SDK turns into a text part). */
export function partOf(raw: unknown): MessagePart | undefined {
  const text = partText(raw);
  if (text !== undefined) return { type: textPartType(raw), content: text };
  const p = asObject(raw);
  if (!p) return undefined;
  if (p.inlineData !== undefined) {
    const blob = asObject(p.inlineData) ?? {};
    const mime = asString(blob.mimeType);
    return { type: 'blob', modality: modalityOf(mime), ...withMime(mime), content: asString(blob.data) ?? '' };
  }
  if (p.fileData !== undefined) {
    const file = asObject(p.fileData) ?? {};
    const mime = asString(file.mimeType);
    const uri = asString(file.fileUri) ?? '';
    // A URL (https://…/files/abc, gs://bucket/x) is a uri part; a bare file name (`files/abc`) a file id.
    return /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri === ''
      ? { type: 'uri', modality: modalityOf(mime), ...withMime(mime), uri }
      : { type: 'file', modality: modalityOf(mime), ...withMime(mime), file_id: uri };
  }
  if (p.functionCall !== undefined) {
    const call = asObject(p.functionCall) ?? {};
    return { type: 'tool_call', ...withId(call.id), name: asString(call.name) ?? '', arguments: call.args ?? call.partialArgs };
  }
  if (p.functionResponse !== undefined) {
    const response = asObject(p.functionResponse) ?? {};
    return { type: 'tool_call_response', ...withId(response.id), response: response.response ?? null };
  }
  if (p.executableCode !== undefined) {
    const code = asObject(p.executableCode) ?? {};
    return {
      type: 'server_tool_call',
      ...withId(code.id),
      name: 'code_execution',
      server_tool_call: { type: 'code_execution', language: code.language, code: code.code },
    };
  }
  if (p.codeExecutionResult !== undefined) {
    const result = asObject(p.codeExecutionResult) ?? {};
    return {
      type: 'server_tool_call_response',
      ...withId(result.id),
      server_tool_call_response: { type: 'code_execution', outcome: result.outcome, output: result.output },
    };
  }
  if (p.toolCall !== undefined) {
    const call = asObject(p.toolCall) ?? {};
    const type = snakeCase(asString(call.toolType) ?? 'tool');
    return { type: 'server_tool_call', ...withId(call.id), name: type, server_tool_call: { type, arguments: call.args } };
  }
  if (p.toolResponse !== undefined) {
    const response = asObject(p.toolResponse) ?? {};
    const type = snakeCase(asString(response.toolType) ?? 'tool');
    return { type: 'server_tool_call_response', ...withId(response.id), server_tool_call_response: { type, response: response.response } };
  }
  // A part kind this package does not know yet: its kind only (GenericPart), never its payload.
  const kind = Object.keys(p).find((k) => !PART_METADATA.has(k) && p[k] !== undefined);
  return kind ? { type: snakeCase(kind) } : undefined;
}

/** Parts of a content's `parts`, or of a PartListUnion (string, part, or a list of them). */
export function partsOf(parts: unknown): MessagePart[] {
  const list = Array.isArray(parts) ? parts : parts === undefined || parts === null ? [] : [parts];
  return list.map(partOf).filter((p): p is MessagePart => p !== undefined);
}

const isContent = (v: unknown): v is Json => Array.isArray(asObject(v)?.parts);

/**
 * `contents` as the SDK normalises them (its tContents): a Content or a list of Contents stays as it is;
 * a string, a part, or a list of them becomes one user Content.
 */
export function contentList(contents: unknown): Json[] {
  if (contents === undefined || contents === null) return [];
  if (!Array.isArray(contents)) return [isContent(contents) ? contents : { role: 'user', parts: [contents] }];
  if (contents.length === 0) return [];
  if (isContent(contents[0])) return contents.filter(isContent);
  return [{ role: 'user', parts: contents.filter((c) => !isContent(c)) }];
}

function roleOf(content: Json): string {
  const role = asString(content.role);
  if (role === 'model') return 'assistant';
  if (role === 'function') return 'tool';
  const parts = asArray(content.parts);
  if (parts.length > 0 && parts.every((p) => asObject(p)?.functionResponse !== undefined)) return 'tool';
  return role ?? 'user';
}

export function inputMessages(contents: unknown): InputMessage[] {
  return contentList(contents).map((content) => ({ role: roleOf(content), parts: partsOf(content.parts) }));
}

/** `config.systemInstruction`: a string, a part, a list of them, or a Content. */
export function systemInstructionParts(instruction: unknown): MessagePart[] | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  return partsOf(isContent(instruction) ? (instruction as Json).parts : instruction);
}

/** A CallableTool (an object the SDK calls itself for automatic function calling; MCP tools too). */
export function isCallableTool(tool: unknown): boolean {
  return typeof asObject(tool)?.callTool === 'function';
}

/**
 * `config.tools` → tool definitions: each function declaration is a `function` tool; built-in tools
 * (`googleSearch`, `codeExecution`, `urlContext`, ...) are `{type, name}` by their snake_case key.
 * CallableTools declare their functions asynchronously: they are read from the request the SDK sends
 * (see the instrumentation), not here.
 */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  const defs: ToolDefinition[] = [];
  for (const raw of asArray(tools)) {
    if (isCallableTool(raw)) continue;
    const tool = asObject(raw);
    if (!tool) continue;
    for (const [key, value] of Object.entries(tool)) {
      if (value === undefined || value === null) continue;
      if (key === 'functionDeclarations') {
        for (const rawDecl of asArray(value)) {
          const decl = asObject(rawDecl) ?? {};
          const def: ToolDefinition = { type: 'function', name: asString(decl.name) ?? '' };
          if (typeof decl.description === 'string') def.description = decl.description;
          const parameters = decl.parameters ?? decl.parametersJsonSchema;
          if (parameters !== undefined) def.parameters = parameters;
          defs.push(def);
        }
      } else {
        const type = snakeCase(key);
        defs.push({ type, name: type });
      }
    }
  }
  return defs;
}

/** One candidate → one output message. */
export function outputMessage(candidate: unknown, finishReason: string): OutputMessage {
  const content = asObject(asObject(candidate)?.content);
  return { role: 'assistant', parts: partsOf(content?.parts), finish_reason: finishReason };
}

/** Whether a candidate's content asks for a function call. */
export function hasFunctionCall(candidate: unknown): boolean {
  return asArray(asObject(asObject(candidate)?.content)?.parts).some((p) => asObject(p)?.functionCall !== undefined);
}
