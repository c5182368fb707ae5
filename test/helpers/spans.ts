/*
 * Reading the spans the integration tests record (the one span of a call, its attributes with the
 * content attributes parsed or left out, the time to first chunk checked and set aside) and building
 * the values the tests expect on them: the attributes of every call to the mock server, and the GenAI
 * content values (input/output messages and their parts).
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MockOpenAIServer } from '../mock-servers/openai-server';
import type { TestTelemetry } from './telemetry';

export const ATTR_TTFC = 'gen_ai.response.time_to_first_chunk';
export const INPUT_MESSAGES = 'gen_ai.input.messages';
export const OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const CONTENT_KEYS = [INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS, SYSTEM_INSTRUCTIONS];
export const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
export const EXCEPTION_EVENT = 'gen_ai.client.operation.exception';

/** The only finished span (of the pipeline, or of a list), checked to be exactly one CLIENT span. */
export function onlySpan(from: TestTelemetry | ReadableSpan[]): ReadableSpan {
  const spans = Array.isArray(from) ? from : from.spans();
  expect(spans.map((s) => s.name)).toHaveLength(1);
  const span = spans[0]!;
  expect(span.kind).toBe(SpanKind.CLIENT);
  return span;
}

/** The only finished span (see onlySpan), checked to have ended with status ERROR and this message. */
export function onlyErrorSpan(from: TestTelemetry | ReadableSpan[], message: string): ReadableSpan {
  const span = onlySpan(from);
  expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message });
  return span;
}

/**
 * Checks the `gen_ai.client.operation.exception` record of a failed call: WARN, in the span's context,
 * with `spanAttributes` (the span's attributes without content) and the exception the span recorded
 * (in modes where content goes to both, the same message).
 */
export function expectExceptionLog(log: { eventName?: string; severityNumber?: number; severityText?: string; spanContext?: { spanId: string }; attributes: unknown }, span: ReadableSpan, spanAttributes: Record<string, unknown>): void {
  const exception = span.events.find((e) => e.name === 'exception')?.attributes;
  expect({ eventName: log.eventName, severityNumber: log.severityNumber, severityText: log.severityText, spanId: log.spanContext?.spanId, attributes: log.attributes }).toEqual({
    eventName: EXCEPTION_EVENT,
    severityNumber: 13,
    severityText: 'WARN',
    spanId: span.spanContext().spanId,
    attributes: { ...spanAttributes, ...exception },
  });
}

/** The span's duration in seconds. */
export function spanSeconds(span: ReadableSpan): number {
  return span.duration[0] + span.duration[1] / 1e9;
}

/**
 * Checks the time-to-first-chunk attribute is a plausible duration: positive, and within the span's
 * own duration plus `maxSkewS` (TTFC is timed from just before the span starts, on another clock).
 */
export function expectTtfc(span: ReadableSpan, maxSkewS = 0.005, ttfc: unknown = span.attributes[ATTR_TTFC]): number {
  expect(typeof ttfc).toBe('number');
  expect(ttfc as number).toBeGreaterThan(0);
  expect(ttfc as number).toBeLessThanOrEqual(spanSeconds(span) + maxSkewS);
  return ttfc as number;
}

/** Checks the TTFC value in `attrs` (see expectTtfc) and removes it, so the rest can be compared exactly. */
export function takeTtfc(span: ReadableSpan, attrs: Record<string, unknown>): void {
  expectTtfc(span, 0.005, attrs[ATTR_TTFC]);
  delete attrs[ATTR_TTFC];
}

/**
 * Span attributes with the content attributes parsed from their JSON strings; with `takeTtfc`, the
 * time to first chunk is checked and left out (see takeTtfc).
 */
export function parsedAttributes(span: ReadableSpan, opts: { takeTtfc?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (CONTENT_KEYS.includes(k)) {
      expect(typeof v).toBe('string');
      out[k] = JSON.parse(v as string);
    } else {
      out[k] = v;
    }
  }
  if (opts.takeTtfc) takeTtfc(span, out);
  return out;
}

/** Span attributes without the content attributes and timing values (asserted on their own). */
export function attributesWithoutContent(span: ReadableSpan): Attributes {
  const attrs: Attributes = { ...span.attributes };
  for (const key of [...CONTENT_KEYS, ATTR_TTFC]) delete attrs[key];
  return attrs;
}

/** Span attributes without timing values. */
export function attributesWithoutTiming(span: ReadableSpan): Attributes {
  const attrs: Attributes = { ...span.attributes };
  delete attrs[ATTR_TTFC];
  return attrs;
}

/** A content attribute of a span, parsed from its JSON string. */
export function contentAttribute(span: ReadableSpan, key: string): unknown {
  const raw = span.attributes[key];
  if (typeof raw !== 'string') throw new Error(`span "${span.name}" has no string attribute ${key} (got ${String(raw)})`);
  return JSON.parse(raw);
}

// ---------------------------------------------------------------------------------------------------
// Expected values

/** The attributes every span (and metric point) of a call to a loopback mock server carries, plus `extra`. */
export function callAttributes(server: { port: number }, operation: string, provider: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    'server.address': '127.0.0.1',
    'server.port': server.port,
    ...extra,
  };
}

/** {@link callAttributes} of a call to the OpenAI mock server. */
export function baseAttributes(server: MockOpenAIServer, operation: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return callAttributes(server, operation, 'openai', extra);
}

// Content values (the conventions' message and part shapes)

export const textPart = (content: string) => ({ type: 'text', content });

export const toolCallPart = (id: string, name: string, args: unknown) => ({ type: 'tool_call', id, name, arguments: args });

export const toolResponsePart = (id: string, response: unknown) => ({ type: 'tool_call_response', id, response });

/** The conventions' input message for a plain user text message. */
export const userTextMessage = (content: string) => ({ role: 'user', parts: [textPart(content)] });

/** An output message with these parts. */
export const assistantOutput = (parts: unknown[], finishReason: string) => ({ role: 'assistant', parts, finish_reason: finishReason });

/** The conventions' output message for one assistant text choice. */
export const assistantTextOutput = (content: string, finishReason = 'stop') => assistantOutput([textPart(content)], finishReason);
