/*
 * What an AI SDK model call returned (a LanguageModel `doGenerate` result: `content`, `finishReason`,
 * `usage`, `response`), in the core model. Reads the shapes of `ai` 7 (LanguageModelV4) and 6 (V3):
 * `finishReason: { unified, raw }`, `usage: { inputTokens: { total, cacheRead, cacheWrite }, outputTokens:
 * { total, reasoning } }`; and of `ai` 5 (V2): a string finish reason and flat usage numbers.
 */
import type { InvocationResponse, MessagePart, OutputMessage, TokenUsage } from '../../core';
import { asArray, asNumber, asObject, asString, finishReasonMapper, parseJsonIfPossible } from '../../core';
import { part } from './prompt';

/** The AI SDK's unified finish reasons → the conventions' values; `other` and `unknown` keep the provider's raw value. */
const mapUnified = finishReasonMapper({
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  'tool-calls': 'tool_call',
  error: 'error',
});

export function finishReason(value: unknown): string | undefined {
  const o = asObject(value);
  const unified = o ? asString(o.unified) : asString(value);
  const raw = o ? asString(o.raw) : undefined;
  if ((unified === 'other' || unified === 'unknown') && raw) return raw;
  return mapUnified(unified);
}

/** Token usage as the provider reported it (the AI SDK's input total includes cache reads and writes, as the conventions count). */
export function tokenUsage(value: unknown): TokenUsage | undefined {
  const u = asObject(value);
  if (!u) return undefined;
  const usage: TokenUsage = {};
  const input = asObject(u.inputTokens);
  const output = asObject(u.outputTokens);
  const set = (key: keyof TokenUsage, n: unknown) => {
    const v = asNumber(n);
    if (v !== undefined) usage[key] = v;
  };
  set('inputTokens', input ? input.total : u.inputTokens);
  set('outputTokens', output ? output.total : u.outputTokens);
  set('cacheReadInputTokens', input ? input.cacheRead : u.cachedInputTokens);
  set('cacheCreationInputTokens', input?.cacheWrite);
  set('reasoningOutputTokens', output ? output.reasoning : u.reasoningTokens);
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** One part of a model call's output content (`tool-call` input is JSON text there). */
export function outputPart(raw: unknown): MessagePart | undefined {
  const p = asObject(raw);
  if (p?.type === 'tool-call') {
    const call: MessagePart = { type: 'tool_call', name: asString(p.toolName) ?? '' };
    if (typeof p.toolCallId === 'string') call.id = p.toolCallId;
    call.arguments = typeof p.input === 'string' ? parseJsonIfPossible(p.input) : p.input ?? p.args;
    return call;
  }
  if (p?.type === 'tool-result') {
    const result: MessagePart = { type: 'tool_call_response', response: p.result ?? p.output };
    if (typeof p.toolCallId === 'string') result.id = p.toolCallId;
    return result;
  }
  if (p?.type === 'source') return undefined;
  return part(raw);
}

export function outputMessage(content: unknown, finish: string | undefined): OutputMessage {
  const parts = asArray(content)
    .map(outputPart)
    .filter((p): p is MessagePart => p !== undefined);
  return { role: 'assistant', parts, finish_reason: finish ?? 'error' };
}

/** A non-streamed model call's result. */
export function generateResponse(result: unknown): InvocationResponse {
  const r = asObject(result) ?? {};
  const meta = asObject(r.response) ?? {};
  const finish = finishReason(r.finishReason);
  const response: InvocationResponse = {};
  const id = asString(meta.id);
  if (id) response.responseId = id;
  const model = asString(meta.modelId);
  if (model) response.responseModel = model;
  if (finish) response.finishReasons = [finish];
  const usage = tokenUsage(r.usage);
  if (usage) response.usage = usage;
  response.outputMessages = () => [outputMessage(r.content, finish)];
  return response;
}
