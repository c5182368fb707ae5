/*
 * The wrappers patch() puts on a `Models` class (./instrumentation.ts says why these seams):
 *  - an accessor for each public method, whose setter catches the constructor's `this[method] = arrow`
 *    and stores a wrapper of the arrow as the instance's own property;
 *  - a wrapper of a public method that a version defines on the prototype instead;
 *  - a wrapper of each `*Internal` method (one model request).
 * Each belongs to one patch state and passes calls straight through while that patch is not in force.
 */
import { activeCallRecord, observeRequest } from './call-record';

export type Method = 'generateContent' | 'generateContentStream' | 'embedContent';
export const METHODS: readonly Method[] = ['generateContent', 'generateContentStream', 'embedContent'];
export const INTERNAL: Readonly<Record<Method, string>> = {
  generateContent: 'generateContentInternal',
  generateContentStream: 'generateContentStreamInternal',
  embedContent: 'embedContentInternal',
};

export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Records one call of `method` on `models` with `params`; `invoke` makes the SDK call. */
export type RecordCall = (method: Method, models: unknown, params: unknown, invoke: () => unknown) => unknown;

/** Whether one patch of one `Models` class is in force; wrappers made under it check it on every call. */
export interface PatchState {
  active: boolean;
}

/** On our wrappers: the patch they belong to. On our accessors' setters: marks them as ours. */
const PATCH_STATE = Symbol('opentelemetry-instrumentation-genai.google-genai.patch');

function stateOf(fn: unknown): PatchState | undefined {
  return typeof fn === 'function' ? (fn as { [PATCH_STATE]?: PatchState })[PATCH_STATE] : undefined;
}

export function isOurAccessor(descriptor: PropertyDescriptor | undefined): boolean {
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

/**
 * The accessor that catches the constructor's `this[method] = arrow`: the instance gets an own,
 * writable property holding the wrapped arrow (as it would have held the arrow), so later assignments
 * by the app behave as before.
 */
export function accessor(method: Method, state: PatchState, record: RecordCall): PropertyDescriptor {
  const set = function (this: object, value: unknown) {
    const stored = typeof value === 'function' && stateOf(value) === undefined ? instanceWrapper(value as AnyFunction, method, state, this, record) : value;
    Object.defineProperty(this, method, { value: stored, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(set, PATCH_STATE, { value: state });
  return { configurable: true, enumerable: false, get: () => undefined, set };
}

/** The wrapper of one instance's arrow: `this` is ignored (the arrow is bound to its instance). */
function instanceWrapper(original: AnyFunction, method: Method, state: PatchState, models: object, record: RecordCall): AnyFunction {
  const wrapper = function (this: unknown, ...args: unknown[]) {
    if (!state.active) return original.apply(this, args);
    return record(method, models, args[0], () => original.apply(this, args));
  };
  return markWrapper(wrapper, original, state, () => {
    if ((models as Record<string, unknown>)[method] === wrapper) (models as Record<string, unknown>)[method] = original;
  });
}

export function prototypeWrapper(original: AnyFunction, method: Method, state: PatchState, record: RecordCall): AnyFunction {
  const wrapper = function (this: unknown, ...args: unknown[]) {
    if (!state.active) return original.apply(this, args);
    return record(method, this, args[0], () => original.apply(this, args));
  };
  Object.defineProperty(wrapper, PATCH_STATE, { value: state, configurable: true });
  return wrapper;
}

/**
 * `*Internal`: one model request. Inside a recorded call it reports the request to the call's record;
 * on a `Models` instance whose public method is not ours (made before patching) it is recorded as a
 * call of its own.
 */
export function internalWrapper(original: AnyFunction, method: Method, state: PatchState, record: RecordCall): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    const call = activeCallRecord(this, method);
    if (call) return observeRequest(call, method, args[0], () => original.apply(this, args));
    const publicMethod = (this as Record<string, unknown> | undefined)?.[method];
    if (state.active && !stateOf(publicMethod)?.active) {
      return record(method, this, args[0], () => original.apply(this, args));
    }
    return original.apply(this, args);
  };
}
