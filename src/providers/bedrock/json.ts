/*
 * Readers only Bedrock's shapes need (the generic ones are in src/core/readers.ts): byte bodies, several
 * spellings of one field, and Bedrock's token counts. Tolerant of missing or mistyped fields, never throwing.
 */
import type { Json, TokenUsage } from '../../core';
import { asNumber, asObject } from '../../core/readers';
import { inputIncludingCache } from '../../core/usage';

/** The first of several spellings of a field that holds a number. */
export function firstNumber(obj: Json | undefined, ...keys: string[]): number | undefined {
  if (!obj) return undefined;
  for (const key of keys) {
    const n = asNumber(obj[key]);
    if (n !== undefined) return n;
  }
  return undefined;
}

const utf8 = new TextDecoder();

/**
 * A body the SDK carries as bytes (InvokeModel `body`, stream `chunk.bytes`): a string, a Uint8Array
 * (the SDK's Uint8ArrayBlobAdapter) or another ArrayBufferView / ArrayBuffer. Streams (a Readable body)
 * are never read: that would consume them.
 */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return utf8.decode(body);
  if (ArrayBuffer.isView(body)) return utf8.decode(body);
  return undefined;
}

/** A JSON object body, or undefined when the body is not (readable) JSON. */
export function parseJsonBody(body: unknown): Json | undefined {
  const text = bodyText(body);
  if (text === undefined) return undefined;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Base64 of binary content: bytes from the SDK, or a string that already is base64 (JSON bodies carry it so). */
export function base64Of(bytes: unknown): string | undefined {
  if (typeof bytes === 'string') return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return undefined;
}

/**
 * Token usage of Bedrock (Converse, Nova, invocation metrics, response headers): the cache reads and
 * writes are reported NEXT TO `inputTokens`, not inside it (`totalTokens` = input + output + cache read +
 * cache write), while the conventions count them inside `gen_ai.usage.input_tokens`. So input = input +
 * cache read + cache write, unless the reported total shows they were already included.
 */
export function bedrockUsage(u: {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  total?: number;
}): TokenUsage | undefined {
  const { input, output, cacheRead, cacheWrite, total } = u;
  if (input === undefined && output === undefined && cacheRead === undefined && cacheWrite === undefined) return undefined;
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  const alreadyIncluded = cached > 0 && input !== undefined && output !== undefined && total === input + output;
  const usage: TokenUsage = {};
  if (input !== undefined || cached > 0) usage.inputTokens = alreadyIncluded ? input : inputIncludingCache(input ?? 0, cacheRead, cacheWrite);
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead !== undefined) usage.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheCreationInputTokens = cacheWrite;
  return usage;
}

/** `amazon-bedrock-invocationMetrics`, in the last chunk of every InvokeModelWithResponseStream. */
export function invocationMetricsUsage(chunk: Json): TokenUsage | undefined {
  const m = asObject(chunk['amazon-bedrock-invocationMetrics']);
  if (!m) return undefined;
  return bedrockUsage({
    input: asNumber(m.inputTokenCount),
    output: asNumber(m.outputTokenCount),
    cacheRead: asNumber(m.cacheReadInputTokenCount),
    cacheWrite: asNumber(m.cacheWriteInputTokenCount),
  });
}
