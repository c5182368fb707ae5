/*
 * Turns captured content into attribute values. Every piece goes through one serialization step that
 * yields valid JSON in the conventions' shape; span attributes get the JSON string, the details event
 * gets the same data back as structured values. Only called when content capture is on.
 */
import type { AnyValue } from '@opentelemetry/api-logs';
import type { OutputMessage, RequestContent } from './model';
import { safeJsonStringify } from './safe-json';
import * as sc from './semconv';

export type ContentAttributes = Record<string, string>;

export function serializeContent(request: RequestContent | undefined, output: OutputMessage[] | undefined): ContentAttributes {
  const attrs: ContentAttributes = {};
  if (request?.systemInstructions && request.systemInstructions.length > 0) {
    attrs[sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = safeJsonStringify(request.systemInstructions);
  }
  if (request?.inputMessages) attrs[sc.ATTR_GEN_AI_INPUT_MESSAGES] = safeJsonStringify(request.inputMessages);
  if (request?.toolDefinitions && request.toolDefinitions.length > 0) {
    attrs[sc.ATTR_GEN_AI_TOOL_DEFINITIONS] = safeJsonStringify(request.toolDefinitions);
  }
  if (output) attrs[sc.ATTR_GEN_AI_OUTPUT_MESSAGES] = safeJsonStringify(output);
  return attrs;
}

/** The structured form for log events (which accept AnyValue maps and arrays). */
export function structuredContent(serialized: ContentAttributes): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const [key, json] of Object.entries(serialized)) out[key] = JSON.parse(json) as AnyValue;
  return out;
}
