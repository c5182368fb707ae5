/* The OpenAI wire format's shared pieces: finish reasons, usage (Chat Completions and Responses shapes), output type, and data URL / media parts. */
import type { MessagePart, TokenUsage } from '../../core';
// From their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { finishReasonMapper } from '../../core/finish-reason';
import { asNumber, asObject, asString, modalityOf, type Json } from '../../core/readers';

/** OpenAI finish reasons → the conventions' values (`tool_calls` and `function_call` become `tool_call`). */
export const finishReason = finishReasonMapper({ tool_calls: 'tool_call', function_call: 'tool_call' });

/** Chat/completions usage (`prompt_tokens`...) or Responses usage (`input_tokens`...). */
export function tokenUsage(v: unknown): TokenUsage | undefined {
  const u = asObject(v);
  if (!u) return undefined;
  const inputDetails = asObject(u.prompt_tokens_details) ?? asObject(u.input_tokens_details);
  const outputDetails = asObject(u.completion_tokens_details) ?? asObject(u.output_tokens_details);
  const usage: TokenUsage = {
    inputTokens: asNumber(u.prompt_tokens) ?? asNumber(u.input_tokens),
    outputTokens: asNumber(u.completion_tokens) ?? asNumber(u.output_tokens),
    cacheReadInputTokens: asNumber(inputDetails?.cached_tokens),
    reasoningOutputTokens: asNumber(outputDetails?.reasoning_tokens),
  };
  return usage;
}

/** `response_format` / `text.format` type → `gen_ai.output.type`. */
export function outputType(formatType: unknown): string | undefined {
  if (formatType === 'text') return 'text';
  if (formatType === 'json_object' || formatType === 'json_schema') return 'json';
  return undefined;
}

/** A `data:` URL → its mime type and payload as base64 (for a blob part); undefined for any other URL. */
export function dataUrlPayload(url: string): { mimeType?: string; base64: string } | undefined {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  const payload = match[2] ? match[3]! : Buffer.from(percentDecode(match[3]!)).toString('base64');
  return { mimeType: match[1] || undefined, base64: payload };
}

/** Percent-decodes a data URL payload; a malformed escape leaves the text as it is rather than throwing. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** An image by URL: a `data:` URL is inline binary (a blob part), any other URL a uri part. */
export function imageUrlPart(url: string): MessagePart {
  const data = dataUrlPayload(url);
  return data
    ? { type: 'blob', modality: 'image', ...(data.mimeType ? { mime_type: data.mimeType } : {}), content: data.base64 }
    : { type: 'uri', modality: 'image', uri: url };
}

/** `input_audio: { data, format }` (base64 audio). */
export function inputAudioPart(audio: Json | undefined): MessagePart {
  const format = asString(audio?.format);
  return { type: 'blob', modality: 'audio', ...(format ? { mime_type: `audio/${format}` } : {}), content: asString(audio?.data) ?? '' };
}

/** Inline file data (a `data:` URL, or bare base64) as a blob part. */
export function fileDataPart(fileData: unknown): MessagePart {
  const data = dataUrlPayload(asString(fileData) ?? '');
  const mime = data?.mimeType;
  return { type: 'blob', modality: modalityOf(mime, 'document'), ...(mime ? { mime_type: mime } : {}), content: data?.base64 ?? asString(fileData) ?? '' };
}
