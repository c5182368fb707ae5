/*
 * Auto-instrumentation for `@google/genai` (>= 1 < 4): models.generateContent, generateContentStream and
 * embedContent, and therefore chats (`chats.create(...).sendMessage/sendMessageStream` call the same
 * `models` methods). One span per user call; automatic function calling and automatic continuation
 * happen inside it (see ./generate-content.ts for what they add to the span).
 *
 * The seam. The SDK ships one bundle per module system (dist/node/index.cjs for require, index.mjs for
 * import; separate `Models` classes, both hooked by package name), and defines the three public methods
 * as arrow functions assigned to each `Models` instance in its constructor (`this.generateContent =
 * async (params) => ...`), so patching `Models.prototype.generateContent` does nothing. Options:
 *  - the `*Internal` prototype methods the arrows call: patchable, but one call per HTTP request, so an
 *    AFC or continuation loop would give several spans for one user call;
 *  - replacing the exported `GoogleGenAI` constructor: breaks `instanceof` for code holding the original
 *    class, and misses `Models` made any other way;
 *  - an accessor on `Models.prototype` for each of the three names (chosen): the constructor's assignment
 *    runs its setter, which stores a wrapper of the arrow as the instance's own property. Every client made
 *    after patching is covered (`new GoogleGenAI`, chats, subclasses), with no change to any class
 *    identity, and the wrapper sees the whole user call. Where a version defines the method on the
 *    prototype instead (embedContent in early 1.x), the prototype method is wrapped as usual.
 * The `*Internal` methods are wrapped too, for two things: inside a recorded call they report each model
 * request to the call's record (found in the context the call runs in), which gives the AFC turns, the
 * declarations of CallableTools and the usage of every request; and for a `Models` instance whose public
 * method is not wrapped (made before patching) they record each HTTP request as its own call, so such a
 * client is still traced, one span per model request.
 */
import type { Context } from '@opentelemetry/api';
import { context, createContextKey } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig, Invocation, InvocationRequest } from '../../core';
import { asObject, GenAIInstrumentationBase, type Json, observeAsyncIterator, safely } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { embedContentRequest, embedContentResponse } from './embeddings';
import { endpointOf } from './endpoint';
import {
  CallRecord,
  GeminiStreamAccumulator,
  failedCallResponse,
  geminiErrorType,
  generateContentRequest,
  generateContentResponse,
  isAfcFunctionResponses,
  requestFacts,
} from './generate-content';

export const GOOGLE_GENAI_SUPPORTED_VERSIONS = ['>=1.0.0 <4'];

export type GoogleGenAIInstrumentationConfig = GenAIInstrumentationConfig;

type Method = 'generateContent' | 'generateContentStream' | 'embedContent';
const METHODS: readonly Method[] = ['generateContent', 'generateContentStream', 'embedContent'];
const INTERNAL: Readonly<Record<Method, string>> = {
  generateContent: 'generateContentInternal',
  generateContentStream: 'generateContentStreamInternal',
  embedContent: 'embedContentInternal',
};

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Whether one patch of one `Models` class is in force; wrappers made under it check it on every call. */
interface PatchState {
  active: boolean;
}

/** The record of the user call in progress, in the context its SDK code runs in. */
const CALL_KEY = createContextKey('opentelemetry-instrumentation-genai @google/genai call');
/** On our wrappers: the patch they belong to. On our accessors' setters: marks them as ours. */
const PATCH_STATE = Symbol('opentelemetry-instrumentation-genai.google-genai.patch');

function stateOf(fn: unknown): PatchState | undefined {
  return typeof fn === 'function' ? (fn as { [PATCH_STATE]?: PatchState })[PATCH_STATE] : undefined;
}

/** The `Models` class of a module's exports (CommonJS exports or an ES module namespace). */
function modelsClass(moduleExports: unknown): { prototype: Record<string, unknown> } | undefined {
  const ns = moduleExports as Record<string, unknown> | undefined;
  const Models = ns?.Models ?? asObject(ns?.default)?.Models;
  return typeof Models === 'function' ? (Models as unknown as { prototype: Record<string, unknown> }) : undefined;
}

function isOurAccessor(descriptor: PropertyDescriptor | undefined): boolean {
  return !!descriptor && stateOf(descriptor.set) !== undefined;
}

/** Marks a wrapper like shimmer does (so `isWrapped` knows it) and ties it to its patch. */
function markWrapper(wrapper: AnyFunction, original: AnyFunction, state: PatchState, unwrap: () => void): AnyFunction {
  Object.defineProperties(wrapper, {
    __original: { value: original, configurable: true },
    __wrapped: { value: true, configurable: true },
    __unwrap: { value: unwrap, configurable: true },
    [PATCH_STATE]: { value: state, configurable: true },
  });
  return wrapper;
}

export class GoogleGenAIInstrumentation extends GenAIInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  /** One patch state per `Models` class, kept across disable()/enable() so earlier clients follow it. */
  declare private _patchStates: WeakMap<object, PatchState> | undefined;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super('opentelemetry-instrumentation-genai/google-genai', PACKAGE_VERSION, config);
  }

  protected override init() {
    // Both bundles (require and import) may be loaded in one process: every hooked copy is re-patched on enable().
    return [this.sdkModuleDefinition('@google/genai', GOOGLE_GENAI_SUPPORTED_VERSIONS, { rememberEveryCopy: true })];
  }

  protected override patch(moduleExports: unknown): void {
    const Models = modelsClass(moduleExports);
    if (!Models) {
      this._diag.debug('@google/genai: no Models class in this module; not instrumented');
      return;
    }
    const states = (this._patchStates ??= new WeakMap());
    const state = states.get(Models) ?? { active: false };
    states.set(Models, state);
    state.active = true;
    const proto = Models.prototype;
    for (const method of METHODS) {
      const own = Object.getOwnPropertyDescriptor(proto, method);
      if (own && typeof own.value === 'function') {
        // A prototype method (embedContent before the arrows came in 1.x).
        if (isWrapped(own.value)) this._unwrap(proto, method);
        this._wrap(proto, method, (original) => this.prototypeWrapper(original as AnyFunction, method, state));
      } else if (!own || isOurAccessor(own)) {
        Object.defineProperty(proto, method, this.accessor(method, state));
      } else {
        this._diag.debug(`@google/genai: Models.prototype.${method} has an unexpected shape; not instrumented`);
      }
      const internal = INTERNAL[method];
      if (typeof proto[internal] === 'function') {
        if (isWrapped(proto[internal])) this._unwrap(proto, internal);
        this._wrap(proto, internal, (original) => this.internalWrapper(original as AnyFunction, method, state));
      }
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    const Models = modelsClass(moduleExports);
    if (!Models) return;
    const state = this._patchStates?.get(Models);
    if (state) state.active = false;
    const proto = Models.prototype;
    for (const method of METHODS) {
      const own = Object.getOwnPropertyDescriptor(proto, method);
      if (isOurAccessor(own)) delete proto[method];
      else if (isWrapped(proto[method])) this._unwrap(proto, method);
      if (isWrapped(proto[INTERNAL[method]])) this._unwrap(proto, INTERNAL[method]);
    }
  }

  /**
   * The accessor that catches the constructor's `this[method] = arrow`: the instance gets an own,
   * writable property holding the wrapped arrow (as it would have held the arrow), so later assignments
   * by the app behave as before.
   */
  private accessor(method: Method, state: PatchState): PropertyDescriptor {
    const instrumentation = this;
    const set = function (this: object, value: unknown) {
      const stored =
        typeof value === 'function' && stateOf(value) === undefined ? instrumentation.instanceWrapper(value as AnyFunction, method, state, this) : value;
      Object.defineProperty(this, method, { value: stored, writable: true, enumerable: true, configurable: true });
    };
    Object.defineProperty(set, PATCH_STATE, { value: state });
    return { configurable: true, enumerable: false, get: () => undefined, set };
  }

  /** The wrapper of one instance's arrow: `this` is ignored (the arrow is bound to its instance). */
  private instanceWrapper(original: AnyFunction, method: Method, state: PatchState, models: object): AnyFunction {
    const instrumentation = this;
    const wrapper = function (this: unknown, ...args: unknown[]) {
      if (!state.active) return original.apply(this, args);
      return instrumentation.record(method, models, args[0], () => original.apply(this, args));
    };
    return markWrapper(wrapper, original, state, () => {
      if ((models as Record<string, unknown>)[method] === wrapper) (models as Record<string, unknown>)[method] = original;
    });
  }

  private prototypeWrapper(original: AnyFunction, method: Method, state: PatchState): AnyFunction {
    const instrumentation = this;
    const wrapper = function (this: unknown, ...args: unknown[]) {
      if (!state.active) return original.apply(this, args);
      return instrumentation.record(method, this, args[0], () => original.apply(this, args));
    };
    Object.defineProperty(wrapper, PATCH_STATE, { value: state, configurable: true });
    return wrapper;
  }

  /**
   * `*Internal`: one model request. Inside a recorded call it reports the request to the call's record;
   * on a `Models` instance whose public method is not ours (made before patching) it is recorded as a
   * call of its own.
   */
  private internalWrapper(original: AnyFunction, method: Method, state: PatchState): AnyFunction {
    const instrumentation = this;
    return function (this: unknown, ...args: unknown[]) {
      const call = context.active().getValue(CALL_KEY) as CallRecord | undefined;
      if (call && call.models === this && call.method === method) return observeRequest(call, method, args[0], () => original.apply(this, args));
      const publicMethod = (this as Record<string, unknown> | undefined)?.[method];
      if (state.active && !stateOf(publicMethod)?.active) {
        return instrumentation.record(method, this, args[0], () => original.apply(this, args));
      }
      return original.apply(this, args);
    };
  }

  /** Records one call of `method` on `models` with `params`; `invoke` makes the SDK call. */
  private record(method: Method, models: unknown, params: unknown, invoke: () => unknown): unknown {
    const body = asObject(params);
    if (!body) return invoke();
    switch (method) {
      case 'generateContent':
        return this.recordGenerateContent(models, body, invoke);
      case 'generateContentStream':
        return this.recordStream(models, body, invoke);
      case 'embedContent':
        return this.recordEmbedContent(models, body, invoke);
    }
  }

  private begin(
    method: Method,
    models: unknown,
    build: () => InvocationRequest,
  ): { invocation: Invocation; call: CallRecord; callContext: Context } | undefined {
    const request = this.safeRequest(build);
    const invocation = request && this.startInvocation(request);
    if (!invocation) return undefined;
    const call = new CallRecord(models, method, invocation.capturesContent);
    return { invocation, call, callContext: invocation.context.setValue(CALL_KEY, call) };
  }

  private recordGenerateContent(models: unknown, params: Json, invoke: () => unknown): unknown {
    const facts = requestFacts(params);
    const started = this.begin('generateContent', models, () => generateContentRequest(params, endpointOf(models, params), false));
    if (!started) return invoke();
    const { invocation, call, callContext } = started;
    const capture = invocation.capturesContent;
    return settle(
      invocation,
      () => context.with(callContext, invoke),
      (result) => generateContentResponse(result, call, facts, capture),
      () => failedCallResponse(call, facts, capture),
    );
  }

  private recordEmbedContent(models: unknown, params: Json, invoke: () => unknown): unknown {
    const started = this.begin('embedContent', models, () => embedContentRequest(params, endpointOf(models, params)));
    if (!started) return invoke();
    const { invocation, callContext } = started;
    return settle(
      invocation,
      () => context.with(callContext, invoke),
      (result) => embedContentResponse(params, result),
      () => ({}),
    );
  }

  /**
   * generateContentStream resolves to a plain async generator: the caller gets an async generator that
   * yields the same chunks and passes `return()` (break) and `throw()` through to the SDK's. Its steps run
   * in the call's context, so the model requests that AFC makes while the stream is read are seen (and
   * HTTP spans nest under the GenAI span).
   */
  private async recordStream(models: unknown, params: Json, invoke: () => unknown): Promise<unknown> {
    const facts = requestFacts(params);
    const started = this.begin('generateContentStream', models, () => generateContentRequest(params, endpointOf(models, params), true));
    if (!started) return invoke();
    const { invocation, call, callContext } = started;
    let source: unknown;
    try {
      source = await context.with(callContext, invoke);
    } catch (error) {
      invocation.fail(error, safely('assembling a failed call', () => failedCallResponse(call, facts, invocation.capturesContent), {}), geminiErrorType(error));
      throw error;
    }
    if (!isAsyncIterator(source)) {
      invocation.end({});
      return source;
    }
    const accumulator = new GeminiStreamAccumulator(invocation.capturesContent, facts, call);
    return observeGenerator(source, invocation, callContext, accumulator);
  }
}

/** Reports a model request to the call's record (and, for non-streamed requests, its response). */
function observeRequest(call: CallRecord, method: Method, params: unknown, invoke: () => unknown): unknown {
  safely('reading a model request', () => call.onRequest(params), undefined);
  const returned = invoke();
  if (method === 'generateContent' && typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
    (returned as PromiseLike<unknown>).then(
      (response) => safely('reading a model response', () => call.onResponse(response), undefined),
      () => undefined,
    );
  }
  return returned;
}

/** Ends the invocation when the SDK's promise settles; the caller gets the SDK's result or error unchanged. */
async function settle(
  invocation: Invocation,
  invoke: () => unknown,
  onResult: (result: unknown) => ReturnType<typeof generateContentResponse>,
  onFailure: () => ReturnType<typeof failedCallResponse>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await invoke();
  } catch (error) {
    invocation.fail(error, safely('assembling a failed call', onFailure, {}), geminiErrorType(error));
    throw error;
  }
  invocation.end(safely('reading an SDK response', () => onResult(result), {}));
  return result;
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return !!value && typeof (value as AsyncIterator<unknown>).next === 'function';
}

/**
 * Wraps the SDK's async generator in one of ours that delegates to it (`yield*`): same chunks, same
 * `return()`/`throw()` behaviour, and an AsyncGenerator like the one the SDK returns. Each step runs in
 * the call's context. `return()` or `throw()` before the first `next()` never reaches the body (a
 * generator that has not started just closes), so those two are also passed on to the observer then.
 */
function observeGenerator(
  source: AsyncIterator<unknown>,
  invocation: Invocation,
  callContext: Context,
  accumulator: GeminiStreamAccumulator,
): AsyncGenerator<unknown> {
  const bound: AsyncIterator<unknown> = {
    next: (...args: [] | [unknown]) => context.with(callContext, () => source.next(...args)),
    return: (value?: unknown) =>
      typeof source.return === 'function'
        ? context.with(callContext, () => source.return!(value))
        : Promise.resolve({ done: true, value }),
    throw: (error?: unknown) =>
      typeof source.throw === 'function' ? context.with(callContext, () => source.throw!(error)) : Promise.reject(error),
  };
  const partial = (interrupted: boolean) => safely('assembling a streamed response', () => accumulator.toResponse(interrupted), {});
  const observed = observeAsyncIterator(bound, {
    onChunk(chunk) {
      // The SDK's own function-results chunk (AFC) is not model output: no chunk timing for it.
      if (!isAfcFunctionResponses(chunk)) invocation.recordChunk();
      accumulator.onChunk(chunk);
    },
    onComplete: () => invocation.end(partial(false)),
    onEarlyReturn: () => invocation.end(partial(true)),
    onError: (error) => invocation.fail(error, partial(true), geminiErrorType(error)),
  });

  let started = false;
  const generator = (async function* () {
    started = true;
    return yield* observed;
  })();
  for (const method of ['return', 'throw'] as const) {
    const original = generator[method] as (this: AsyncGenerator<unknown>, arg?: unknown) => Promise<IteratorResult<unknown>>;
    Object.defineProperty(generator, method, {
      configurable: true,
      writable: true,
      value(this: AsyncGenerator<unknown>, arg?: unknown) {
        if (!started) void observed[method]!(arg).catch(() => undefined);
        return original.call(this, arg);
      },
    });
  }
  return generator;
}
