/*
 * Which method wrappers are this package's, and wrapping a method that other instrumentations wrap too.
 * OpenTelemetry's `InstrumentationBase._wrap` first unwraps whatever wrapper the method has, and shimmer's
 * `unwrap` takes off whatever wrapper is on top, whoever put it there: two instrumentations of one method
 * (OpenInference's, OpenLLMetry's and this package's LangChain instrumentations all wrap
 * `CallbackManager._configureSync`) would each take the other's off. A wrapper of this package is marked
 * with a global symbol (every copy of this package, its CommonJS and ES module builds in one process,
 * knows it). A shared wrapper (`wrapShared`) goes over the method as it is, whatever wraps it, and comes
 * off only through `takeOffShared`: its shimmer `__unwrap`, which another instrumentation calls when it
 * unwraps "its" method, does nothing, so that instrumentation's new wrapper goes over ours instead of
 * replacing it.
 */
const OURS = Symbol.for('opentelemetry-instrumentation-genai.wrapper');
const TAKE_OFF = Symbol.for('opentelemetry-instrumentation-genai.take-off');

/** The longest chain of wrappers followed (a guard against a chain that loops). */
const MAX_DEPTH = 32;

type AnyFunction = (...args: any[]) => any;
type Wrapper = AnyFunction & { [OURS]?: true; [TAKE_OFF]?: () => void; __original?: unknown };

/** Marks `wrapper` as installed by this package. */
export function markOurWrapper(wrapper: unknown): void {
  if (typeof wrapper === 'function') Object.defineProperty(wrapper, OURS, { value: true, configurable: true });
}

/** Whether `fn` is a wrapper this package installed. */
export function isOurWrapper(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Wrapper)[OURS] === true;
}

/** Whether a wrapper of this package is under `fn`, in the chain of another instrumentation's shimmer wrappers (`__original`). */
export function hasOurWrapperBelow(fn: unknown): boolean {
  let current = typeof fn === 'function' ? (fn as Wrapper).__original : undefined;
  for (let depth = 0; typeof current === 'function' && depth < MAX_DEPTH; depth++) {
    if (isOurWrapper(current)) return true;
    current = (current as Wrapper).__original;
  }
  return false;
}

/** Sets a method as shimmer does (keeping its enumerability). */
function setMethod(target: Record<string, unknown>, method: string, value: unknown): void {
  const enumerable = Object.prototype.propertyIsEnumerable.call(target, method);
  Object.defineProperty(target, method, { value, writable: true, enumerable, configurable: true });
}

/** Wraps `target[method]` as it is now (another instrumentation's wrapper included), with shimmer's markers. */
export function wrapShared(target: Record<string, unknown>, method: string, wrapper: (original: never) => unknown): void {
  const original = target[method];
  const wrapped = wrapper(original as never) as Wrapper;
  Object.defineProperties(wrapped, {
    __original: { value: original, configurable: true },
    __wrapped: { value: true, configurable: true },
    __unwrap: { value: () => undefined, configurable: true },
    [OURS]: { value: true, configurable: true },
    [TAKE_OFF]: {
      value: () => {
        if (target[method] === wrapped) setMethod(target, method, original);
      },
      configurable: true,
    },
  });
  setMethod(target, method, wrapped);
}

/** Takes a wrapShared wrapper off `target[method]` when it is on top; false when the method's top wrapper is not one. */
export function takeOffShared(target: Record<string, unknown>, method: string): boolean {
  const takeOff = (target[method] as Wrapper | undefined)?.[TAKE_OFF];
  if (typeof takeOff !== 'function') return false;
  takeOff();
  return true;
}
