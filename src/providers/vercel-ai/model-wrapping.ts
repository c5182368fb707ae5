/*
 * The wrapped exports of `ai`, for what its `ai:telemetry` channel does not publish:
 *   - `ai` 5 and 6 (no channel): generateText, streamText, generateObject, streamObject, embed and
 *     embedMany, and the agent classes' generate / stream (./agent-classes.ts);
 *   - `ai` 7: generateObject and streamObject (deprecated there, and published on no channel; a model call
 *     of theirs that a later 7.x publishes is left to the channel, see ./call-scope.ts); its streamText
 *     and ToolLoopAgent.stream only run in a link, for a stream the app stops reading (./stream-links.ts).
 * Each call runs with its options replaced as ./call-scope.ts says: the model behind a Proxy whose model
 * calls record (./observed-model.ts; a model id only with the app's global provider,
 * ./default-provider.ts), the tools with recording `execute` (./tool-wrapping.ts), and a generateText /
 * streamText call with tools in an `invoke_agent` span: the same spans, with the same attributes, as
 * `ai` 7's channel gives. The app's own model, tools and options objects are never changed.
 *
 * The ES module namespace (under the module hook) is patched in place; the CommonJS build's exports are
 * read-only getters, so a copy of them with the wrapped functions is returned instead (the hook hands it
 * to every require; manuallyInstrument returns it). The agent classes are patched on their prototypes,
 * which both share.
 *
 * Not covered: in `ai` 5 and 6, models given by id string without a global provider (the AI SDK's
 * gateway resolves them); a copy of `ai` that no module hook saw load (a bundle) except through the copy
 * manuallyInstrument returns: nothing of 5 and 6, and 7's generateObject / streamObject (the rest of 7 is
 * on its channel; a stream it stops reading is ended there as abandoned, by the idle limit or at shutdown:
 * ./recorder.ts); in every major, rerank, image, video, speech and
 * transcription calls.
 */
import { asObject, moduleExportsOf, safely, sdkExport } from '../../core';
import { unwrapAgentClasses, wrapAgentClasses } from './agent-classes';
import { type AiCopy, type CallKind, type WrappingEnv, beginCall, runBegunCall } from './call-scope';
import { linkedStreamCall } from './stream-links';
import { unwatchStreamResults } from './stream-result-watch';

type Fn = (...args: unknown[]) => unknown;

const ALL_CALLS: readonly CallKind[] = ['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany'];
const UNPUBLISHED_CALLS: readonly CallKind[] = ['generateObject', 'streamObject'];
const ORIGINAL = Symbol('opentelemetry-instrumentation-genai vercel-ai original');

/** Whether this copy of `ai` publishes on the `ai:telemetry` channel (7: it has registerTelemetry). */
export function publishesTelemetry(moduleExports: unknown): boolean {
  return typeof sdkExport(moduleExports, 'registerTelemetry') === 'function';
}

/** What differs between the majors (ToolLoopAgent is new in 6). */
function aiCopy(exports: Record<string, unknown>): AiCopy {
  if (publishesTelemetry(exports)) return { publishesTelemetry: true, unchangedVersions: ['v2', 'v3', 'v4'], embeddingModelMethod: 'embeddingModel' };
  if (typeof exports.ToolLoopAgent === 'function') return { publishesTelemetry: false, unchangedVersions: ['v3'], embeddingModelMethod: 'embeddingModel' };
  return { publishesTelemetry: false, unchangedVersions: ['v2'], embeddingModelMethod: 'textEmbeddingModel' };
}

/** Where the functions are: the ES module namespace itself (`ai` has no default export), or the CommonJS exports. */
function exportsHolder(moduleExports: unknown): Record<string, unknown> | undefined {
  const ns = asObject(moduleExports);
  return typeof ns?.generateText === 'function' ? ns : (moduleExportsOf(moduleExports) as Record<string, unknown> | undefined);
}

/**
 * Wraps the exports of an `ai` copy: in place when they can be set, else returns wrapped exports to use
 * instead (undefined when patched in place or when nothing is wrapped).
 */
export function wrapExports(moduleExports: unknown, env: WrappingEnv): unknown {
  const m = exportsHolder(moduleExports);
  if (!m) return undefined;
  const copy = aiCopy(m);
  const wrapped: Record<string, Fn> = {};
  for (const name of ALL_CALLS) {
    const fn = m[name];
    if (typeof fn !== 'function') continue;
    const original = ((fn as unknown as Record<symbol, unknown>)[ORIGINAL] as Fn | undefined) ?? (fn as Fn);
    if (!copy.publishesTelemetry || UNPUBLISHED_CALLS.includes(name)) wrapped[name] = wrapCall(original, name, env, copy);
    else if (name === 'streamText') wrapped[name] = withOriginal(original, linkedStreamText(original, env));
  }
  wrapAgentClasses(m, env, copy);
  if (Object.keys(wrapped).length === 0) return undefined;
  const inPlace = Object.entries(wrapped).every(([name, fn]) => {
    try {
      m[name] = fn;
    } catch {
      return false;
    }
    return m[name] === fn;
  });
  if (inPlace) return undefined;
  // Read-only exports: a copy with the same exports (values read once: the bundle's getters are constant),
  // marked as the original is (a CommonJS build's `__esModule`, the namespace of `ai` 7 under require(esm)).
  const exportsCopy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(m)) exportsCopy[key] = m[key];
  Object.assign(exportsCopy, wrapped);
  if (m.__esModule) Object.defineProperty(exportsCopy, '__esModule', { value: true });
  const tag = (m as Record<symbol, unknown>)[Symbol.toStringTag];
  if (tag !== undefined) Object.defineProperty(exportsCopy, Symbol.toStringTag, { value: tag });
  return exportsCopy;
}

/** Puts the original functions back on an `ai` copy patched in place, and its agent classes' methods. */
export function unwrapExports(moduleExports: unknown): void {
  const m = exportsHolder(moduleExports);
  if (!m) return;
  for (const name of ALL_CALLS) {
    const original = (m[name] as Record<symbol, unknown> | undefined)?.[ORIGINAL];
    if (original) safely('unwrapping ai', () => void (m[name] = original), undefined);
  }
  unwrapAgentClasses(m);
  unwatchStreamResults();
}

/** `ai` 7's streamText: recorded from the channel, run in a link for a stream the app stops reading (./stream-links.ts). */
function linkedStreamText(original: Fn, env: WrappingEnv): Fn {
  return function (this: unknown, ...args: unknown[]) {
    return env.recording() ? linkedStreamCall(() => original.apply(this, args)) : original.apply(this, args);
  };
}

/** `wrapper`, marked with the function it wraps and named as it. */
function withOriginal(original: Fn, wrapper: Fn): Fn {
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  return wrapper;
}

function wrapCall(original: Fn, kind: CallKind, env: WrappingEnv, copy: AiCopy): Fn {
  return withOriginal(original, function (this: unknown, ...args: unknown[]) {
    if (!env.recording()) return original.apply(this, args);
    const call = safely('recording an AI SDK call', () => beginCall(kind, args[0], env, copy), undefined);
    if (!call) return original.apply(this, args);
    const callArgs = Object.keys(call.replaced).length > 0 ? [{ ...(args[0] as object), ...call.replaced }, ...args.slice(1)] : args;
    return runBegunCall(call, () => original.apply(this, callArgs));
  });
}
