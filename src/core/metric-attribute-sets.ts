/*
 * The attributes of a call's metric records (duration, tokens, chunk timing). Calls of one app mostly
 * repeat the same operation, provider, server, models and provider attributes, so for speed the objects
 * are shared between calls with the same values: one frozen object per distinct set (and one per token
 * type), looked up without building a key, instead of several new objects per call. A call whose records
 * carry GenAI context metadata, or a provider attribute that is not a primitive, gets objects of its own.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationRequest, InvocationResponse } from './model';
import { ATTR_GEN_AI_TOKEN_TYPE, GEN_AI_TOKEN_TYPE_VALUE_INPUT, GEN_AI_TOKEN_TYPE_VALUE_OUTPUT } from './semconv';
import { metricAttributes } from './span-attributes';

export type TokenType = typeof GEN_AI_TOKEN_TYPE_VALUE_INPUT | typeof GEN_AI_TOKEN_TYPE_VALUE_OUTPUT;

/** The attributes of one call's metric records: `base` for the duration and chunk timing, `tokens` for token usage. */
export interface MetricAttributeSet {
  readonly base: Readonly<Attributes>;
  tokens(type: TokenType): Readonly<Attributes>;
}

/** Distinct sets kept at most; past that the cache starts over (an app with unbounded model names). */
const MAX_SHARED_SETS = 256;
/** The key of a set in the innermost map (the maps above it are keyed by attribute values). */
const SET = Symbol('metric attribute set');

type Level = Map<unknown, unknown>;
let shared: Level = new Map();
let sharedCount = 0;

/** The metric attributes of a call that ended with `response`; `context`: the GenAI context metadata's metric attributes. */
export function metricAttributeSet(
  request: InvocationRequest,
  response: InvocationResponse,
  context: Readonly<Attributes> | undefined,
): MetricAttributeSet {
  if (context !== undefined) return new CallMetricAttributes(metricAttributes(request, response, context));
  const providerAttributes = response.attributes;
  const keys = providerAttributes === undefined ? undefined : response.metricAttributeKeys;
  if (sharedCount >= MAX_SHARED_SETS) {
    shared = new Map();
    sharedCount = 0;
  }
  let level = shared;
  level = child(level, request.operation);
  level = child(level, request.provider);
  level = child(level, request.serverAddress);
  level = child(level, request.serverPort);
  level = child(level, request.requestModel);
  level = child(level, response.responseModel);
  level = child(level, keys);
  if (keys !== undefined) {
    for (let i = 0; i < keys.length; i++) {
      const value = providerAttributes![keys[i]];
      if (value !== null && typeof value === 'object') return new CallMetricAttributes(metricAttributes(request, response, undefined));
      level = child(level, value);
    }
  }
  let set = level.get(SET) as SharedMetricAttributes | undefined;
  if (set === undefined) {
    set = new SharedMetricAttributes(Object.freeze(metricAttributes(request, response, undefined)));
    level.set(SET, set);
    sharedCount++;
  }
  return set;
}

function child(level: Level, key: unknown): Level {
  let next = level.get(key) as Level | undefined;
  if (next === undefined) {
    next = new Map();
    level.set(key, next);
  }
  return next;
}

/** A set shared by the calls with the same values: its objects are frozen, the token ones made once. */
class SharedMetricAttributes implements MetricAttributeSet {
  private input: Readonly<Attributes> | undefined;
  private output: Readonly<Attributes> | undefined;

  constructor(readonly base: Readonly<Attributes>) {}

  tokens(type: TokenType): Readonly<Attributes> {
    if (type === GEN_AI_TOKEN_TYPE_VALUE_INPUT) return (this.input ??= Object.freeze({ ...this.base, [ATTR_GEN_AI_TOKEN_TYPE]: type }));
    return (this.output ??= Object.freeze({ ...this.base, [ATTR_GEN_AI_TOKEN_TYPE]: type }));
  }
}

/** A set of one call's own. */
class CallMetricAttributes implements MetricAttributeSet {
  constructor(readonly base: Readonly<Attributes>) {}

  tokens(type: TokenType): Readonly<Attributes> {
    return { ...this.base, [ATTR_GEN_AI_TOKEN_TYPE]: type };
  }
}
