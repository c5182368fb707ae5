/*
 * Conformance checks for the GenAI telemetry this package emits, written from the OpenTelemetry GenAI
 * semantic conventions v1.41 (https://opentelemetry.io/docs/specs/semconv/gen-ai/: spans, events,
 * metrics), including the JSON schemas of the content attributes (gen-ai-input-messages.json,
 * gen-ai-output-messages.json, gen-ai-system-instructions.json in the semantic-conventions repository).
 *
 * `checkGenAISpan` and `checkDetailsEvent` return a list of violations (empty when the signal conforms).
 * `ConformanceCollector` wires both into an SDK pipeline so that every GenAI span and log record a test
 * produces is checked (see test/helpers/telemetry.ts).
 */
import { INLINE_BINARY_PLACEHOLDER } from '../../src/core/truncation';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const DETAILS_EVENT_NAME = 'gen_ai.client.inference.operation.details';
export const EXCEPTION_EVENT_NAME = 'gen_ai.client.operation.exception';

const OPERATION = 'gen_ai.operation.name';
const PROVIDER = 'gen_ai.provider.name';
const CUSTOM_PROVIDER = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$/;
const LEGACY_PROVIDERS = new Set(['az.ai.openai', 'az.ai.inference', 'vertex_ai', 'gemini', 'xai', 'aws_bedrock', 'bedrock', 'google', 'mistral', 'azure']);
const REQUEST_MODEL = 'gen_ai.request.model';
const SERVER_ADDRESS = 'server.address';
const SERVER_PORT = 'server.port';
const ERROR_TYPE = 'error.type';
const STREAM = 'gen_ai.request.stream';
const FINISH_REASONS = 'gen_ai.response.finish_reasons';
const TTFC = 'gen_ai.response.time_to_first_chunk';
const INPUT_TOKENS = 'gen_ai.usage.input_tokens';
const OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
const CACHE_READ = 'gen_ai.usage.cache_read.input_tokens';
const CACHE_CREATION = 'gen_ai.usage.cache_creation.input_tokens';
const REASONING_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
const SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
const INPUT_MESSAGES = 'gen_ai.input.messages';
const OUTPUT_MESSAGES = 'gen_ai.output.messages';
const TOOL_DEFINITIONS = 'gen_ai.tool.definitions';

type ValueKind =
  | 'string'
  | 'int' // any integer
  | 'count' // non-negative integer
  | 'port' // integer 1..65535
  | 'double' // finite number
  | 'seconds' // finite, non-negative number
  | 'string[]'
  | 'true' // boolean, and only ever `true`
  | 'json' // a JSON string (tool arguments and results, retrieval documents on spans)
  | 'content'; // JSON string on spans, structured value on events

/** The closed list of attributes a GenAI inference or embeddings signal may carry, with their types. */
const ATTRIBUTE_KINDS: Readonly<Record<string, ValueKind>> = {
  // Sampling-relevant, set at start.
  [OPERATION]: 'string',
  [PROVIDER]: 'string',
  [REQUEST_MODEL]: 'string',
  [SERVER_ADDRESS]: 'string',
  [SERVER_PORT]: 'port',
  // General.
  [ERROR_TYPE]: 'string',
  'gen_ai.conversation.id': 'string',
  'gen_ai.output.type': 'string',
  // Request parameters.
  'gen_ai.request.choice.count': 'count',
  'gen_ai.request.seed': 'int',
  [STREAM]: 'true',
  'gen_ai.request.max_tokens': 'count',
  'gen_ai.request.temperature': 'double',
  'gen_ai.request.top_p': 'double',
  'gen_ai.request.top_k': 'double', // double in v1.41 (int on genai main); an integer is a valid double
  'gen_ai.request.stop_sequences': 'string[]',
  'gen_ai.request.frequency_penalty': 'double',
  'gen_ai.request.presence_penalty': 'double',
  'gen_ai.request.encoding_formats': 'string[]',
  // From the genai repo's main branch, used deliberately for OpenAI `reasoning_effort`.
  'gen_ai.request.reasoning.level': 'string',
  // Response.
  'gen_ai.response.id': 'string',
  'gen_ai.response.model': 'string',
  [FINISH_REASONS]: 'string[]',
  [TTFC]: 'seconds',
  // Usage.
  [INPUT_TOKENS]: 'count',
  [OUTPUT_TOKENS]: 'count',
  [CACHE_READ]: 'count',
  [CACHE_CREATION]: 'count',
  [REASONING_TOKENS]: 'count',
  'gen_ai.embeddings.dimension.count': 'count',
  // Content (opt-in).
  [SYSTEM_INSTRUCTIONS]: 'content',
  [INPUT_MESSAGES]: 'content',
  [OUTPUT_MESSAGES]: 'content',
  [TOOL_DEFINITIONS]: 'content',
  // GenAI context metadata (withGenAIContext): conventions names where they exist.
  'gen_ai.prompt.name': 'string',
  'gen_ai.prompt.version': 'string', // genai main
  'user.id': 'string',
  'deployment.environment.name': 'string',
  'session.id': 'string', // general conventions' session id, a namespaced free-form key apps use
  // Stage spans (execute_tool, retrieval, invoke_agent, invoke_workflow).
  'gen_ai.tool.name': 'string',
  'gen_ai.tool.call.id': 'string',
  'gen_ai.tool.description': 'string',
  'gen_ai.tool.type': 'string',
  'gen_ai.tool.call.arguments': 'json',
  'gen_ai.tool.call.result': 'json',
  'gen_ai.data_source.id': 'string',
  'gen_ai.retrieval.query.text': 'string',
  'gen_ai.retrieval.documents': 'json',
  'gen_ai.agent.name': 'string',
  'gen_ai.agent.id': 'string',
  'gen_ai.agent.description': 'string',
  'gen_ai.agent.version': 'string',
  'gen_ai.workflow.name': 'string',
  // OpenAI refinements.
  'openai.api.type': 'string',
  'openai.request.service_tier': 'string',
  'openai.response.service_tier': 'string',
  'openai.response.system_fingerprint': 'string',
  // AWS Bedrock refinements; the request id is the general AWS conventions' attribute.
  'aws.bedrock.guardrail.id': 'string',
  'aws.bedrock.knowledge_base.id': 'string',
  'aws.request_id': 'string',
};

/** Deprecated or renamed attributes, with what replaces them (the conventions' GenAI changelog). */
const REPLACED_ATTRIBUTES: Readonly<Record<string, string>> = {
  'gen_ai.system': PROVIDER,
  'gen_ai.usage.prompt_tokens': INPUT_TOKENS,
  'gen_ai.usage.completion_tokens': OUTPUT_TOKENS,
  'gen_ai.prompt': INPUT_MESSAGES,
  'gen_ai.completion': OUTPUT_MESSAGES,
  'gen_ai.openai.request.seed': 'gen_ai.request.seed',
  'gen_ai.openai.request.response_format': 'gen_ai.output.type',
  'gen_ai.openai.request.service_tier': 'openai.request.service_tier',
  'gen_ai.openai.response.service_tier': 'openai.response.service_tier',
  'gen_ai.openai.response.system_fingerprint': 'openai.response.system_fingerprint',
};

/** Names that exist only on the genai repo's main branch, where v1.41 has another name. */
const MAIN_ONLY_ATTRIBUTES: Readonly<Record<string, string>> = {
  'gen_ai.usage.cache_write.input_tokens': CACHE_CREATION,
};

export const WELL_KNOWN_OPERATIONS = [
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'retrieval',
  'execute_tool',
  'create_agent',
  'invoke_agent',
  'invoke_workflow',
] as const;

export const WELL_KNOWN_PROVIDERS = [
  'anthropic',
  'aws.bedrock',
  'azure.ai.inference',
  'azure.ai.openai',
  'cohere',
  'deepseek',
  'gcp.gemini',
  'gcp.gen_ai',
  'gcp.vertex_ai',
  'groq',
  'ibm.watsonx.ai',
  'mistral_ai',
  'openai',
  'perplexity',
  'x_ai',
] as const;

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  [OPERATION]: WELL_KNOWN_OPERATIONS,
  [PROVIDER]: WELL_KNOWN_PROVIDERS,
  'gen_ai.output.type': ['text', 'json', 'image', 'speech'],
  'openai.api.type': ['chat_completions', 'responses'],
};

/** Operations whose spans follow the inference / embeddings span definitions (CLIENT, `{op} {model}`). */
const CLIENT_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const INFERENCE_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

/** Attributes an embeddings span never carries: no content, no output tokens (the conventions' embeddings span). */
const NOT_ON_EMBEDDINGS = [SYSTEM_INSTRUCTIONS, INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS, OUTPUT_TOKENS];

const CONTENT_ATTRIBUTES = new Set([SYSTEM_INSTRUCTIONS, INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS]);

type Where = 'span' | 'event';

// ---------------------------------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------------------------------

/** Violations of the conventions by one GenAI span; empty if it conforms. */
export function checkGenAISpan(span: ReadableSpan): string[] {
  const v: string[] = [];
  const attrs = span.attributes as Record<string, unknown>;
  const content = checkAttributes(attrs, 'span', v);

  const operation = attrs[OPERATION];
  if (typeof operation === 'string' && CLIENT_OPERATIONS.has(operation)) {
    if (span.kind !== SpanKind.CLIENT) {
      v.push(`span kind must be CLIENT for ${operation}, got ${SpanKind[span.kind] ?? span.kind}`);
    }
    const model = attrs[REQUEST_MODEL];
    // A non-string model is reported by the type check; the name rule needs a usable model.
    if (model === undefined || typeof model === 'string') {
      const expected = model ? `${operation} ${model}` : operation;
      if (span.name !== expected) v.push(`span name must be ${JSON.stringify(expected)}, got ${JSON.stringify(span.name)}`);
    }
  }

  const isError = span.status.code === SpanStatusCode.ERROR;
  if (isError && attrs[ERROR_TYPE] === undefined) v.push('error.type is required when the span status is ERROR');
  if (!isError && attrs[ERROR_TYPE] !== undefined) v.push('error.type is set but the span status is not ERROR');

  checkFinishReasons(attrs, content.get(OUTPUT_MESSAGES), v);
  return v;
}

/**
 * Name, type, requirement and enum checks shared by spans and details events. Returns the parsed
 * (structured) content values that passed their type check, by attribute name.
 */
function checkAttributes(attrs: Record<string, unknown>, where: Where, v: string[]): Map<string, unknown> {
  const content = new Map<string, unknown>();
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    // The app's free-form context attributes live in this package's own namespace.
    if (key.startsWith('genai_app.')) continue;
    const kind = ATTRIBUTE_KINDS[key];
    if (kind === undefined) {
      if (REPLACED_ATTRIBUTES[key]) v.push(`attribute ${key} is deprecated: use ${REPLACED_ATTRIBUTES[key]}`);
      else if (MAIN_ONLY_ATTRIBUTES[key]) v.push(`attribute ${key} is genai-main only: v1.41 uses ${MAIN_ONLY_ATTRIBUTES[key]}`);
      else v.push(`unknown attribute ${key}`);
      continue;
    }
    if (kind === 'content') {
      const parsed = contentValue(key, value, where, v);
      if (parsed !== undefined) {
        content.set(key, parsed);
        checkContentShape(key, parsed, v);
      }
      continue;
    }
    if (!checkKind(key, kind, value, v)) continue;
    const allowed = ENUMS[key];
    // gen_ai.provider.name is an open enum: a provider the conventions do not list (LangChain's
    // `ls_provider` of a model this package has no SDK instrumentation for, e.g. `ollama`) is a custom
    // lowercase value; the legacy spellings stay violations.
    if (key === PROVIDER && typeof value === 'string' && CUSTOM_PROVIDER.test(value) && !LEGACY_PROVIDERS.has(value)) continue;
    if (allowed && !allowed.includes(value as string)) {
      v.push(`${key} ${JSON.stringify(value)} is not one of: ${allowed.join(', ')}`);
    }
  }

  if (attrs[OPERATION] === undefined) v.push(`missing required attribute ${OPERATION}`);
  // Required for client inference and embeddings; optional on the app-side stage spans.
  const op = attrs[OPERATION];
  if (attrs[PROVIDER] === undefined && (op === undefined || CLIENT_OPERATIONS.has(op as string))) {
    v.push(`missing required attribute ${PROVIDER}`);
  }
  if (attrs[SERVER_ADDRESS] !== undefined && attrs[SERVER_PORT] === undefined) {
    v.push('server.port is required when server.address is set');
  }

  if (attrs[OPERATION] === 'embeddings') {
    for (const key of NOT_ON_EMBEDDINGS) {
      if (attrs[key] !== undefined) v.push(`${key} must not be set on embeddings`);
    }
  }

  if (attrs[TTFC] !== undefined && attrs[STREAM] === undefined) {
    v.push(`${TTFC} is set but ${STREAM} is not (time to first chunk is for streaming calls)`);
  }

  checkTokenSubsets(attrs, v);
  return content;
}

function checkKind(key: string, kind: ValueKind, value: unknown, v: string[]): boolean {
  let problem: string | undefined;
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') problem = 'must be a string';
      break;
    case 'int':
      if (!Number.isInteger(value)) problem = 'must be an integer';
      break;
    case 'count':
      if (!Number.isInteger(value) || (value as number) < 0) problem = 'must be a non-negative integer';
      break;
    case 'port':
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
        problem = 'must be an integer port (1-65535)';
      }
      break;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) problem = 'must be a finite number (double)';
      break;
    case 'seconds':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problem = 'must be a non-negative number of seconds';
      }
      break;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) problem = 'must be an array of strings';
      break;
    case 'true':
      if (value !== true) problem = 'must be true when set (unset means not streaming)';
      break;
    case 'json':
      if (typeof value !== 'string') problem = 'must be a JSON string';
      else {
        try {
          JSON.parse(value);
        } catch {
          problem = 'must be valid JSON';
        }
      }
      break;
    case 'content':
      break;
  }
  if (problem) v.push(`${key} ${problem}, got ${describe(value)}`);
  return problem === undefined;
}

/** Token usage (the conventions' gen_ai.usage.* notes): cache read/creation are subsets of input, reasoning is a subset of output. */
function checkTokenSubsets(attrs: Record<string, unknown>, v: string[]): void {
  const n = (key: string): number | undefined => (Number.isInteger(attrs[key]) ? (attrs[key] as number) : undefined);
  const input = n(INPUT_TOKENS);
  const output = n(OUTPUT_TOKENS);
  const cacheRead = n(CACHE_READ);
  const cacheCreation = n(CACHE_CREATION);
  const reasoning = n(REASONING_TOKENS);
  let subsetsOk = true;
  const subset = (partKey: string, part: number | undefined, wholeKey: string, whole: number | undefined) => {
    if (part !== undefined && whole !== undefined && part > whole) {
      subsetsOk = false;
      v.push(`${partKey} (${part}) exceeds ${wholeKey} (${whole})`);
    }
  };
  subset(CACHE_READ, cacheRead, INPUT_TOKENS, input);
  subset(CACHE_CREATION, cacheCreation, INPUT_TOKENS, input);
  subset(REASONING_TOKENS, reasoning, OUTPUT_TOKENS, output);
  if (subsetsOk && input !== undefined && cacheRead !== undefined && cacheCreation !== undefined && cacheRead + cacheCreation > input) {
    v.push(`${CACHE_READ} + ${CACHE_CREATION} (${cacheRead + cacheCreation}) exceeds ${INPUT_TOKENS} (${input})`);
  }
}

/** `gen_ai.response.finish_reasons` is one entry per choice, in order; each output message is one choice. */
function checkFinishReasons(attrs: Record<string, unknown>, outputMessages: unknown, v: string[]): void {
  const reasons = attrs[FINISH_REASONS];
  // Ill-typed values are reported by the type checks.
  if (!Array.isArray(reasons) || !reasons.every((r) => typeof r === 'string') || !Array.isArray(outputMessages)) return;
  if (reasons.length !== outputMessages.length) {
    v.push(`${FINISH_REASONS} has ${reasons.length} entries but ${OUTPUT_MESSAGES} has ${outputMessages.length} messages`);
    return;
  }
  outputMessages.forEach((message, i) => {
    const own = isObject(message) ? message.finish_reason : undefined;
    if (typeof own === 'string' && own !== reasons[i]) {
      v.push(`${FINISH_REASONS}[${i}] is ${JSON.stringify(reasons[i])} but ${OUTPUT_MESSAGES}[${i}].finish_reason is ${JSON.stringify(own)}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Content (the conventions' JSON schemas for messages, parts and system instructions)
// ---------------------------------------------------------------------------------------------------

/** The structured value of a content attribute: parsed from a JSON string on spans, as-is on events. */
function contentValue(key: string, value: unknown, where: Where, v: string[]): unknown {
  if (where === 'span') {
    if (typeof value !== 'string') {
      v.push(`${key} must be a JSON string on spans, got ${describe(value)}`);
      return undefined;
    }
    try {
      return JSON.parse(value) as unknown;
    } catch {
      v.push(`${key} is not valid JSON`);
      return undefined;
    }
  }
  if (typeof value === 'string') {
    v.push(`${key} must be a structured value on the details event, not a string`);
    return undefined;
  }
  return value;
}

function checkContentShape(key: string, value: unknown, v: string[]): void {
  switch (key) {
    case INPUT_MESSAGES:
      return checkMessages(key, value, false, v);
    case OUTPUT_MESSAGES:
      return checkMessages(key, value, true, v);
    case SYSTEM_INSTRUCTIONS:
      return checkParts(key, value, v);
    case TOOL_DEFINITIONS:
      return checkToolDefinitions(key, value, v);
  }
}

function checkMessages(path: string, value: unknown, output: boolean, v: string[]): void {
  if (!Array.isArray(value)) {
    v.push(`${path} must be an array of messages, got ${describe(value)}`);
    return;
  }
  value.forEach((message, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(message)) {
      v.push(`${at} must be an object, got ${describe(message)}`);
      return;
    }
    requireString(message, 'role', at, v);
    optionalString(message, 'name', at, v);
    if (output) requireString(message, 'finish_reason', at, v);
    if (!('parts' in message)) v.push(`${at} is missing required field "parts"`);
    else checkParts(`${at}.parts`, message.parts, v);
  });
}

function checkParts(path: string, value: unknown, v: string[]): void {
  if (!Array.isArray(value)) {
    v.push(`${path} must be an array of parts, got ${describe(value)}`);
    return;
  }
  value.forEach((part, i) => checkPart(`${path}[${i}]`, part, v));
}

function checkPart(at: string, part: unknown, v: string[]): void {
  if (!isObject(part)) {
    v.push(`${at} must be an object, got ${describe(part)}`);
    return;
  }
  if (typeof part.type !== 'string') {
    v.push(`${at}.type must be a string, got ${describe(part.type)}`);
    return;
  }
  const label = `${at} (${part.type})`;
  switch (part.type) {
    case 'text':
    case 'reasoning':
      requireString(part, 'content', label, v);
      break;
    case 'tool_call':
      requireString(part, 'name', label, v);
      optionalString(part, 'id', label, v);
      break;
    case 'tool_call_response':
      optionalString(part, 'id', label, v);
      if (!('response' in part)) {
        v.push(`${label} is missing required field "response"${'result' in part ? ' (it has "result"; the schema field is "response")' : ''}`);
      }
      break;
    case 'server_tool_call':
      requireString(part, 'name', label, v);
      optionalString(part, 'id', label, v);
      requireTypedObject(part, 'server_tool_call', label, v);
      break;
    case 'server_tool_call_response':
      optionalString(part, 'id', label, v);
      requireTypedObject(part, 'server_tool_call_response', label, v);
      break;
    case 'blob':
      requireString(part, 'modality', label, v);
      optionalString(part, 'mime_type', label, v);
      // Inline binary is replaced by a placeholder with its type and size unless the app opts in.
      if (
        requireString(part, 'content', label, v) &&
        !BASE64.test(part.content as string) &&
        !INLINE_BINARY_PLACEHOLDER.test(part.content as string)
      ) {
        v.push(`${label}.content must be base64`);
      }
      break;
    case 'uri':
      requireString(part, 'modality', label, v);
      optionalString(part, 'mime_type', label, v);
      if (requireString(part, 'uri', label, v) && /^data:/i.test(part.uri as string)) {
        v.push(`${label}.uri must not be a data: URL (use a blob part)`);
      }
      break;
    case 'file':
      requireString(part, 'modality', label, v);
      optionalString(part, 'mime_type', label, v);
      requireString(part, 'file_id', label, v);
      break;
    default:
      // GenericPart: any other type string, free-form fields.
      break;
  }
}

function checkToolDefinitions(path: string, value: unknown, v: string[]): void {
  if (!Array.isArray(value)) {
    v.push(`${path} must be an array of tool definitions, got ${describe(value)}`);
    return;
  }
  value.forEach((tool, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(tool)) {
      v.push(`${at} must be an object, got ${describe(tool)}`);
      return;
    }
    requireString(tool, 'type', at, v);
    requireString(tool, 'name', at, v);
    optionalString(tool, 'description', at, v);
  });
}

/** Standard base64 alphabet with optional padding (no length check: examples in the conventions may be cut short). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function requireString(obj: Record<string, unknown>, field: string, at: string, v: string[]): boolean {
  if (!(field in obj) || obj[field] === undefined) {
    v.push(`${at} is missing required field "${field}"`);
    return false;
  }
  if (typeof obj[field] !== 'string') {
    v.push(`${at}.${field} must be a string, got ${describe(obj[field])}`);
    return false;
  }
  return true;
}

/** Optional string fields are `string | null` in the schemas. */
function optionalString(obj: Record<string, unknown>, field: string, at: string, v: string[]): void {
  const value = obj[field];
  if (value !== undefined && value !== null && typeof value !== 'string') {
    v.push(`${at}.${field} must be a string if present, got ${describe(value)}`);
  }
}

function requireTypedObject(obj: Record<string, unknown>, field: string, at: string, v: string[]): void {
  const value = obj[field];
  if (!isObject(value)) {
    v.push(`${at}.${field} must be an object with a string "type", got ${describe(value)}`);
  } else if (typeof value.type !== 'string') {
    v.push(`${at}.${field}.type must be a string, got ${describe(value.type)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Log records
// ---------------------------------------------------------------------------------------------------

/** The parts of a log record the checks read (a ReadableLogRecord or ReadWriteLogRecord satisfies it). */
export interface LogRecordLike {
  readonly eventName?: string;
  readonly attributes: Record<string, unknown>;
  readonly spanContext?: SpanContext;
  readonly severityNumber?: number;
}

/**
 * Violations by one `gen_ai.client.inference.operation.details` log record. When `spans` is given, the
 * record's span context must match one of them, and the record must carry the same attributes as that
 * span (content in structured form, equal to the span's parsed JSON where the span has it too).
 */
export function checkDetailsEvent(record: LogRecordLike, spans?: readonly ReadableSpan[]): string[] {
  const v: string[] = [];
  if (record.eventName !== DETAILS_EVENT_NAME) {
    v.push(`event name must be ${JSON.stringify(DETAILS_EVENT_NAME)}, got ${describe(record.eventName)}`);
  }
  const attrs = record.attributes;
  const content = checkAttributes(attrs, 'event', v);
  checkFinishReasons(attrs, content.get(OUTPUT_MESSAGES), v);

  const operation = attrs[OPERATION];
  if (typeof operation === 'string' && CLIENT_OPERATIONS.has(operation) && !INFERENCE_OPERATIONS.has(operation)) {
    v.push(`the details event describes inference operations, not ${operation}`);
  }

  const sc = record.spanContext;
  if (!sc || !isValidId(sc.traceId) || !isValidId(sc.spanId)) {
    v.push('details event has no span context');
  } else if (spans) {
    const span = spans.find((s) => s.spanContext().traceId === sc.traceId && s.spanContext().spanId === sc.spanId);
    if (!span) v.push(`details event's span context (trace ${sc.traceId}, span ${sc.spanId}) matches no span`);
    else compareWithSpan(attrs, span.attributes as Record<string, unknown>, v);
  }
  return v;
}

/** The details event carries the same attributes as its span (the conventions' inference operation details event). */
function compareWithSpan(event: Record<string, unknown>, span: Record<string, unknown>, v: string[]): void {
  const keys = new Set([...Object.keys(span), ...Object.keys(event)]);
  for (const key of keys) {
    const onSpan = span[key];
    const onEvent = event[key];
    if (CONTENT_ATTRIBUTES.has(key)) {
      // Content may be on the event only (EVENT_ONLY); where both have it, it must be the same data.
      if (onSpan === undefined || onEvent === undefined || typeof onSpan !== 'string') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(onSpan);
      } catch {
        continue; // reported by the span check
      }
      if (!deepEqual(parsed, onEvent)) v.push(`${key} differs between the span and the details event`);
      continue;
    }
    if (onEvent === undefined) v.push(`attribute ${key} is on the span but not on the details event`);
    else if (onSpan === undefined) v.push(`attribute ${key} is on the details event but not on the span`);
    else if (!deepEqual(onSpan, onEvent)) {
      v.push(`attribute ${key} differs: span ${describe(onSpan)}, details event ${describe(onEvent)}`);
    }
  }
}

const WARN_SEVERITY = 13;

/** Violations by a `gen_ai.client.operation.exception` log record (the conventions' GenAI events). */
export function checkExceptionEvent(record: LogRecordLike): string[] {
  const v: string[] = [];
  const attrs = record.attributes;
  for (const key of ['exception.type', 'exception.message', 'exception.stacktrace']) {
    if (attrs[key] !== undefined && typeof attrs[key] !== 'string') v.push(`${key} must be a string, got ${describe(attrs[key])}`);
  }
  if (attrs['exception.type'] === undefined && attrs['exception.message'] === undefined) {
    v.push('exception event needs exception.type or exception.message');
  }
  if (record.severityNumber !== WARN_SEVERITY) {
    v.push(`exception event severity must be WARN (13), got ${describe(record.severityNumber)}`);
  }
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('exception.') || value === undefined) continue;
    const kind = ATTRIBUTE_KINDS[key];
    if (kind === undefined || kind === 'content') v.push(`unexpected attribute ${key} on the exception event`);
    else checkKind(key, kind, value, v);
  }
  return v;
}

/** Deprecated per-message events, replaced by the details event (the conventions' GenAI events). */
const DEPRECATED_EVENTS = new Set([
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
]);

/** Routes a log record to its checks. Records that are not GenAI events yield no violations. */
export function checkGenAILogRecord(record: LogRecordLike, spans?: readonly ReadableSpan[]): string[] {
  const name = record.eventName;
  if (name === DETAILS_EVENT_NAME) return checkDetailsEvent(record, spans);
  if (name === EXCEPTION_EVENT_NAME) return checkExceptionEvent(record);
  if (name !== undefined && DEPRECATED_EVENTS.has(name)) return [`event ${name} is deprecated: use ${DETAILS_EVENT_NAME}`];
  if (name?.startsWith('gen_ai.')) return [`unknown GenAI event ${name}`];
  if (Object.keys(record.attributes).some(isGenAIKey)) return [`log record ${describe(name)} carries GenAI attributes but is not a GenAI event`];
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Pipeline wiring
// ---------------------------------------------------------------------------------------------------

function isGenAIKey(key: string): boolean {
  return key.startsWith('gen_ai.') || key.startsWith('openai.');
}

/** A span is checked when it carries any `gen_ai.*` / `openai.*` attribute (so a missing operation name is caught). */
export function isGenAISpan(span: ReadableSpan): boolean {
  return Object.keys(span.attributes).some(isGenAIKey);
}

function spanLabel(span: ReadableSpan): string {
  return `span ${JSON.stringify(span.name)} (${span.spanContext().spanId})`;
}

/**
 * Checks every ended GenAI span and every emitted GenAI log record of a pipeline. Log records are
 * checked once their span has ended (the details event is emitted just before its span ends), or at
 * the latest when `assertNone` runs.
 */
export class ConformanceCollector {
  /** Every violation ever found, in order. */
  readonly violations: string[] = [];
  private reported = 0;
  private readonly genAISpans: ReadableSpan[] = [];
  private readonly endedSpanIds = new Set<string>();
  private pendingLogs: LogRecordLike[] = [];

  readonly spanProcessor: SpanProcessor = {
    onStart: (_span: Span, _parentContext: Context) => {},
    onEnd: (span: ReadableSpan) => this.onSpanEnd(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly logRecordProcessor: LogRecordProcessor = {
    onEmit: (record: ReadWriteLogRecord) => {
      if (record.eventName?.startsWith('gen_ai.') || Object.keys(record.attributes).some(isGenAIKey)) {
        this.pendingLogs.push(record as LogRecordLike);
      }
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  private onSpanEnd(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    this.endedSpanIds.add(`${traceId}/${spanId}`);
    if (!isGenAISpan(span)) return;
    this.genAISpans.push(span);
    for (const violation of checkGenAISpan(span)) this.violations.push(`${spanLabel(span)}: ${violation}`);
  }

  /** Checks the pending log records: those whose span has ended, or all of them when `all`. */
  private checkLogs(all: boolean): void {
    const waiting: LogRecordLike[] = [];
    for (const record of this.pendingLogs) {
      const sc = record.spanContext;
      if (!all && sc && this.endedSpanIds.has(`${sc.traceId}/${sc.spanId}`) === false && isValidId(sc.spanId)) {
        waiting.push(record);
        continue;
      }
      for (const violation of checkGenAILogRecord(record, this.genAISpans)) {
        this.violations.push(`log record ${describe(record.eventName)}: ${violation}`);
      }
    }
    this.pendingLogs = waiting;
  }

  /** Throws if violations were found since the last call (each violation is thrown once here). */
  assertNoNewViolations(): void {
    this.checkLogs(false);
    const fresh = this.violations.slice(this.reported);
    this.reported = this.violations.length;
    if (fresh.length > 0) throw conformanceError(fresh);
  }

  /** Throws if any violation was ever found (checks every pending log record first). */
  assertNone(): void {
    this.checkLogs(true);
    this.reported = this.violations.length;
    if (this.violations.length > 0) throw conformanceError(this.violations);
  }
}

function conformanceError(violations: readonly string[]): Error {
  return new Error(
    `GenAI semantic-convention violations (${violations.length}):\n${violations.map((x) => `  - ${x}`).join('\n')}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Utilities
// ---------------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidId(id: string | undefined): boolean {
  return typeof id === 'string' && /[1-9a-f]/.test(id);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
