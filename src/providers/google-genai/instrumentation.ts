/*
 * Auto-instrumentation for `@google/genai` (>= 1 < 4): models.generateContent, generateContentStream and
 * embedContent, and therefore chats (`chats.create(...).sendMessage/sendMessageStream` call the same
 * `models` methods). One span per user call; automatic function calling and automatic continuation
 * happen inside it (see ./generate-content-response.ts for what they add to the span).
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
 * request to the call's record (./call-record.ts, found in the context the call runs in), which gives the
 * AFC turns, the declarations of CallableTools and the usage of every request; and for a `Models` instance
 * whose public method is not wrapped (made before patching) they record each HTTP request as its own call,
 * so such a client is still traced, one span per model request. The wrappers are in ./method-wrappers.ts;
 * what one recorded call does is in ./record-call.ts.
 */
import type { GenAIInstrumentationConfig, InstrumentedSdk } from '../../core';
import { GenAIInstrumentationBase, sdkExport } from '../../core';
import type { AnyFunction, PatchState, RecordCall } from './method-wrappers';
import { accessor, INTERNAL, internalWrapper, isOurAccessor, METHODS, prototypeWrapper } from './method-wrappers';
import { recordCall } from './record-call';
import { GOOGLE_GENAI_REQUEST_SIGNATURE } from './request-signature';

export const GOOGLE_GENAI_SUPPORTED_VERSIONS = ['>=1.0.0 <4'];

export type GoogleGenAIInstrumentationConfig = GenAIInstrumentationConfig;

/** The `Models` class of a module's exports (CommonJS exports or an ES module namespace). */
function modelsClass(moduleExports: unknown): { prototype: Record<string, unknown> } | undefined {
  const Models = sdkExport(moduleExports, 'Models');
  return typeof Models === 'function' ? (Models as unknown as { prototype: Record<string, unknown> }) : undefined;
}

export class GoogleGenAIInstrumentation extends GenAIInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  /** One patch state per `Models` class, kept across disable()/enable() so earlier clients follow it. */
  declare private _patchStates: WeakMap<object, PatchState> | undefined;

  static override readonly sdk: InstrumentedSdk = {
    name: 'google-genai',
    module: '@google/genai',
    supportedVersions: GOOGLE_GENAI_SUPPORTED_VERSIONS,
    requestSignature: GOOGLE_GENAI_REQUEST_SIGNATURE,
    // Both bundles (require and import) may be loaded in one process: every hooked copy is re-patched on enable().
    rememberEveryCopy: true,
  };

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
    const record: RecordCall = (method, models, params, invoke) => recordCall(this, method, models, params, invoke);
    for (const method of METHODS) {
      const own = Object.getOwnPropertyDescriptor(proto, method);
      if (own && typeof own.value === 'function') {
        // A prototype method (embedContent before the arrows came in 1.x).
        this.wrapMethod(proto, method, `Models.prototype.${method}`, (original: AnyFunction) => prototypeWrapper(original, method, state, record));
      } else if (!own || isOurAccessor(own)) {
        Object.defineProperty(proto, method, accessor(method, state, record));
      } else {
        this._diag.debug(`@google/genai: Models.prototype.${method} has an unexpected shape; not instrumented`);
      }
      const internal = INTERNAL[method];
      this.wrapMethod(proto, internal, `Models.prototype.${internal}`, (original: AnyFunction) => internalWrapper(original, method, state, record));
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
      else this.unwrapMethod(proto, method);
      this.unwrapMethod(proto, INTERNAL[method]);
    }
  }
}
