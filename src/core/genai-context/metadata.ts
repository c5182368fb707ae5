/*
 * GenAI context metadata: what the app knows about the work in progress (conversation, prompt template,
 * user, tenant, environment, its own attributes) and cannot pass to the LLM SDK. The app opens a GenAI
 * context; every GenAI span started inside it, across awaits, timers and streams, carries the metadata.
 *
 * The metadata lives in the OpenTelemetry Context under a private key, so it flows exactly as the
 * active span does (context.with / the AsyncLocalStorage context manager): a span started inside the
 * GenAI context reads it from the active context when it starts. Nested GenAI contexts merge; the inner
 * one wins, field by field and free-form attribute by attribute.
 *
 * Input from the app is validated, never trusted: a value that cannot be recorded is left out, with a diag
 * warning each time and a Node warning once per field (see ../user-warning.ts): a dropped prompt version
 * or user id is data lost, and must be visible without OTEL_LOG_LEVEL. Ids and the prompt version may be
 * numbers (a database id, version 2) and are recorded as strings; names (prompt name, environment) must
 * be strings, as a number there is more likely the wrong variable than a name. Nothing here throws at the app.
 */
import type { AttributeValue, Attributes, Context } from '@opentelemetry/api';
import { context as contextApi, createContextKey, diag } from '@opentelemetry/api';
import { type CaptureMode, parseCaptureMode } from '../content-mode';
import { safely } from '../safely';
import { WARNING_CODES, warnUser } from '../user-warning';
import { bindAsyncIterator, isAsyncIterator } from './bind';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_GENAI_APP_TENANT_ID,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_PROMPT_VERSION,
  ATTR_USER_ID,
  GENAI_APP_NAMESPACE,
  GEN_AI_NAMESPACE,
} from '../semconv';

/** What the app passes to `withGenAIContext` / `setGenAIContext`. Every field is optional. */
export interface GenAIContextMetadata {
  /**
   * `gen_ai.conversation.id`: the app's own conversation / thread / session id. Only set when the app
   * gives one: this package never invents one (the conventions forbid synthesized ids).
   */
  conversationId?: string | number | bigint;
  /** `gen_ai.prompt.name`: the name of the prompt template in use. Also on metrics (low cardinality). */
  promptName?: string;
  /**
   * `gen_ai.prompt.version`: the version of that template (a number is recorded as a string: `2` is
   * `"2"`). Also on metrics (low cardinality).
   */
  promptVersion?: string | number | bigint;
  /** `user.id`: the end user the work is done for (a number is recorded as a string). Never on metrics. */
  userId?: string | number | bigint;
  /**
   * `genai_app.tenant.id`: the tenant (customer, organisation) the work is done for (a number is recorded
   * as a string). Never on metrics.
   */
  tenantId?: string | number | bigint;
  /** `deployment.environment.name` (e.g. `production`, `staging`). Also on metrics (low cardinality). */
  environment?: string;
  /**
   * Free-form span attributes. A key with a namespace of its own (containing a dot, e.g. `session.id`
   * or `com.acme.team`) is used as is; a bare key (`team`) becomes `genai_app.team`. Keys under
   * `gen_ai.` are refused (that namespace belongs to the conventions and to the fields above). Values
   * must be valid attribute values (string, number, boolean, or a homogeneous array of one of these).
   * Never on metrics (their cardinality is unknown).
   */
  attributes?: Record<string, AttributeValue>;
  /**
   * Overrides the content capture mode for GenAI calls inside this GenAI context, in either direction (e.g.
   * `false` to capture nothing for one tenant). Same values as the `captureMessageContent` option.
   */
  captureMessageContent?: CaptureMode | boolean;
}

/** The validated, merged metadata in effect in a context (what `getGenAIContext` returns). Immutable. */
export interface EffectiveGenAIContext {
  readonly conversationId?: string;
  readonly promptName?: string;
  readonly promptVersion?: string;
  readonly userId?: string;
  readonly tenantId?: string;
  readonly environment?: string;
  /** Free-form attributes, under their final names. */
  readonly attributes: Readonly<Attributes>;
  readonly captureMode?: CaptureMode;
  /** Every attribute the GenAI context puts on a span (free-form first; the named fields win over them). */
  readonly spanAttributes: Readonly<Attributes>;
  /** The low-cardinality subset that may go on metrics: prompt name and version, environment. */
  readonly metricAttributes: Readonly<Attributes>;
}

type StringField = 'conversationId' | 'promptName' | 'promptVersion' | 'userId' | 'tenantId' | 'environment';

const STRING_FIELDS: ReadonlyArray<readonly [StringField, string]> = [
  ['conversationId', ATTR_GEN_AI_CONVERSATION_ID],
  ['promptName', ATTR_GEN_AI_PROMPT_NAME],
  ['promptVersion', ATTR_GEN_AI_PROMPT_VERSION],
  ['userId', ATTR_USER_ID],
  ['tenantId', ATTR_GENAI_APP_TENANT_ID],
  ['environment', ATTR_DEPLOYMENT_ENVIRONMENT_NAME],
];

const METRIC_FIELDS: ReadonlySet<StringField> = new Set(['promptName', 'promptVersion', 'environment']);

/** Fields whose values are often numbers (database ids, version 2): a finite number or a bigint is recorded as its string. */
const NUMERIC_FIELDS: ReadonlySet<StringField> = new Set(['conversationId', 'promptVersion', 'userId', 'tenantId']);

/**
 * Private to this package. createContextKey is Symbol.for(description), so two copies of this package
 * in one process (e.g. two versions nested in node_modules) share GenAI contexts of this shape; the version
 * suffix keeps a future, different shape apart.
 */
const GENAI_CONTEXT_KEY = createContextKey('opentelemetry-instrumentation-genai.genai_context.v1');

const EMPTY: Readonly<Attributes> = Object.freeze({});

const PREFIX = 'opentelemetry-instrumentation-genai:';

/** The GenAI context metadata in effect in `ctx` (default: the active context), or undefined outside any. */
export function getGenAIContext(ctx: Context = contextApi.active()): EffectiveGenAIContext | undefined {
  return ctx.getValue(GENAI_CONTEXT_KEY) as EffectiveGenAIContext | undefined;
}

/**
 * A new Context: `ctx` plus `metadata`, merged over any GenAI context metadata already in `ctx` (the new values win).
 * For frameworks that cannot wrap a function: activate it with `context.with(newCtx, fn)`, or store it
 * where the framework keeps the context of a request. Mirrors `trace.setSpan(ctx, span)`.
 */
export function setGenAIContext(ctx: Context, metadata: GenAIContextMetadata): Context {
  if (!isContext(ctx)) {
    diag.warn(`${PREFIX} setGenAIContext(context, metadata): the first argument is not a Context; using the active context`);
    ctx = contextApi.active();
  }
  const parent = getGenAIContext(ctx);
  const merged = safely('reading GenAI context metadata', () => resolveMetadata(parent, metadata), parent);
  return merged === undefined || merged === parent ? ctx : ctx.setValue(GENAI_CONTEXT_KEY, merged);
}

/** A new Context without any GenAI context metadata (e.g. for background work that must not inherit it). */
export function deleteGenAIContext(ctx: Context): Context {
  return ctx.deleteValue(GENAI_CONTEXT_KEY);
}

/**
 * Runs `fn` with `metadata` in effect, and returns what it returns. Every GenAI span started inside,
 * including after awaits and in timers, carries the metadata. If `fn` returns an async generator (or
 * another async iterator), the returned iterator runs each step in the GenAI context, so calls made while it
 * is consumed later, after `fn` returned, carry the metadata too. Promises and other values are
 * returned untouched.
 */
export function withGenAIContext<A extends unknown[], R>(
  metadata: GenAIContextMetadata,
  fn: (...args: A) => R,
  thisArg?: ThisParameterType<typeof fn>,
  ...args: A
): R {
  const active = contextApi.active();
  const ctx = safely('entering a GenAI context', () => setGenAIContext(active, metadata), active);
  const result = contextApi.with(ctx, fn, thisArg, ...args);
  return isAsyncIterator(result) && ctx !== active ? (bindAsyncIterator(result, ctx) as R) : result;
}

/** The attributes GenAI context metadata puts on spans (empty outside any GenAI context). */
export function contextSpanAttributes(metadata: EffectiveGenAIContext | undefined): Readonly<Attributes> {
  return metadata?.spanAttributes ?? EMPTY;
}

/**
 * The attributes GenAI context metadata adds to metrics: prompt name and version and the environment, when `enabled`
 * (the instrumentation's switch). Ids and free-form attributes never go on metrics.
 */
export function contextMetricAttributes(metadata: EffectiveGenAIContext | undefined, enabled: boolean): Readonly<Attributes> {
  return enabled && metadata ? metadata.metricAttributes : EMPTY;
}

/** The capture mode for a GenAI call started in `ctx`: the GenAI context's override if any, else `defaultMode`. */
export function contextCaptureMode(ctx: Context, defaultMode: CaptureMode): CaptureMode {
  return getGenAIContext(ctx)?.captureMode ?? defaultMode;
}

// ---------------------------------------------------------------------------------------------------

type Fields = { -readonly [K in StringField]?: string };

function resolveMetadata(parent: EffectiveGenAIContext | undefined, metadata: unknown): EffectiveGenAIContext | undefined {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    warnMetadata('metadata', `must be an object, got ${describeType(metadata)}; it is not recorded`);
    return parent;
  }
  const m = metadata as Record<string, unknown>;

  const fields: Fields = {};
  for (const [field] of STRING_FIELDS) {
    const inherited = parent?.[field];
    if (inherited !== undefined) fields[field] = inherited;
    const value = read(m, field, field);
    if (value === undefined || value === null) continue;
    const text = fieldText(field, value);
    if (text !== undefined) fields[field] = text;
    else {
      const expected = NUMERIC_FIELDS.has(field) ? 'a non-empty string or a finite number' : 'a non-empty string';
      warnMetadata(field, `${field} must be ${expected}, got ${describeType(value)}; it is not recorded`);
    }
  }

  const attributes: Attributes = { ...parent?.attributes, ...freeFormAttributes(read(m, 'attributes', 'attributes')) };

  let captureMode = parent?.captureMode;
  const rawMode = read(m, 'captureMessageContent', 'captureMessageContent');
  if (rawMode !== undefined && rawMode !== null) {
    const mode = parseCaptureMode(rawMode);
    if (mode) captureMode = mode;
    else {
      // Settings are not personal data: a string is shown as written.
      warnMetadata(
        'captureMessageContent',
        `captureMessageContent ${typeof rawMode === 'string' ? JSON.stringify(rawMode) : `(${describeType(rawMode)})`} is not a boolean or ` +
          'one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (any case, - for _); the GenAI context keeps the capture mode it inherited',
      );
    }
  }

  const spanAttributes: Attributes = { ...attributes };
  const metricAttributes: Attributes = {};
  for (const [field, name] of STRING_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    spanAttributes[name] = value;
    if (METRIC_FIELDS.has(field)) metricAttributes[name] = value;
  }

  return Object.freeze({
    ...fields,
    attributes: Object.freeze(attributes),
    ...(captureMode !== undefined && { captureMode }),
    spanAttributes: Object.freeze(spanAttributes),
    metricAttributes: Object.freeze(metricAttributes),
  });
}

function freeFormAttributes(raw: unknown): Attributes {
  const out: Attributes = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warnMetadata('attributes', `attributes must be an object, got ${describeType(raw)}; they are not recorded`);
    return out;
  }
  let keys: string[];
  try {
    keys = Object.keys(raw);
  } catch {
    warnMetadata('attributes', 'attributes could not be read; they are not recorded');
    return out;
  }
  for (const key of keys) {
    const value = read(raw as Record<string, unknown>, key, 'attributes');
    if (value === undefined || value === null) continue;
    // Attribute keys are the app's own names, not its data: they are shown.
    if (key === '' || key.startsWith(`${GEN_AI_NAMESPACE}.`)) {
      warnMetadata('attributes', `attribute ${JSON.stringify(key)} is not allowed (empty or in the gen_ai namespace); it is not recorded`);
      continue;
    }
    if (!isAttributeValue(value)) {
      warnMetadata('attributes', `attribute ${JSON.stringify(key)} has an invalid value (${describeType(value)}); it is not recorded`);
      continue;
    }
    out[freeFormAttributeName(key)] = Array.isArray(value) ? value.slice() : value;
  }
  return out;
}

/** A primitive attribute value, or an array of one primitive type (null/undefined entries allowed). */
function isAttributeValue(value: unknown): value is AttributeValue {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  let elementType: string | undefined;
  for (const element of value) {
    if (element === null || element === undefined) continue;
    const et = typeof element;
    if (et !== 'string' && et !== 'number' && et !== 'boolean') return false;
    if (elementType === undefined) elementType = et;
    else if (et !== elementType) return false;
  }
  return true;
}

/**
 * Reads a property that may be a throwing getter or proxy trap: a failure reads as absent, with a warning
 * about `field` (the metadata field the property belongs to).
 */
function read(obj: Record<string, unknown>, key: string, field: string): unknown {
  try {
    return obj[key];
  } catch {
    warnMetadata(field, `${field === key ? key : `attribute ${JSON.stringify(key)}`} could not be read; it is not recorded`);
    return undefined;
  }
}

/** The string a field records for `value`, or undefined when it cannot be recorded. */
function fieldText(field: StringField, value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (!NUMERIC_FIELDS.has(field)) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * One metadata problem: through diag each time, and as a Node warning once per field. The app's values
 * are never shown (they may be personal data), only their type.
 */
function warnMetadata(field: string, problem: string): void {
  warnUser(`context:${field}`, WARNING_CODES.contextMetadata, `${PREFIX} GenAI context metadata ${problem}.`);
}

function isContext(value: unknown): value is Context {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Context).getValue === 'function' &&
    typeof (value as Context).setValue === 'function' &&
    typeof (value as Context).deleteValue === 'function'
  );
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  // An empty string, NaN and the infinities say what went wrong without saying anything about the app's data.
  if (value === '') return 'an empty string';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

/**
 * The attribute name for a free-form key: a key that already has a namespace (contains a dot, e.g.
 * `session.id` or `com.acme.team`) is used as is; a bare key (`team`) becomes `genai_app.team`.
 */
function freeFormAttributeName(key: string): string {
  return key.includes('.') ? key : `${GENAI_APP_NAMESPACE}.${key}`;
}
