/*
 * `ai` 5 and 6, which publish nothing on a diagnostics channel: their generateText, streamText, embed and
 * embedMany exports are wrapped so that the call gets the app's model behind a Proxy whose `doGenerate`,
 * `doStream` and `doEmbed` record. Those are the model calls themselves (one per step of a tool loop and
 * per retry), made with the LanguageModel call options (V2 in `ai` 5, V3 in `ai` 6: `prompt` with the
 * system messages in it, `maxOutputTokens`, `temperature`, ..., `tools`) and returning the result shapes
 * ./response.ts and ./stream-parts.ts read for `ai` 7 too. The app's own model object and options are
 * never changed.
 *
 * The ES module namespace (under the module hook) is patched in place; the CommonJS build's exports are
 * read-only getters, so a copy of them with the wrapped functions is returned instead (the hook hands it
 * to every require; manuallyInstrument returns it).
 *
 * Not covered in 5 and 6: the tool loop's invoke_agent and execute_tool spans, generateObject /
 * streamObject, the Agent classes (their calls use the unexported functions), and models given by id
 * string (the global provider).
 */
import { context as contextApi } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, ResultTranslation } from '../../core';
import { RecordedCall, asArray, asObject, asString, moduleExportsOf, safely, sdkExport, serverOfUrl } from '../../core';
import { embeddingsCall } from './embeddings';
import { modelCall, requestUrl } from './model-call';
import { observeStreamResult } from './stream-tap';

type Fn = (...args: unknown[]) => unknown;
type Model = Record<string | symbol, unknown>;

const WRAPPED = ['generateText', 'streamText', 'embed', 'embedMany'] as const;
const ORIGINAL = Symbol('opentelemetry-instrumentation-genai vercel-ai original');

/** Whether this copy of `ai` publishes on the `ai:telemetry` channel (7: it has registerTelemetry) and needs no wrapping. */
export function publishesTelemetry(moduleExports: unknown): boolean {
  return typeof sdkExport(moduleExports, 'registerTelemetry') === 'function';
}

/** Where the functions are: the ES module namespace itself (`ai` has no default export), or the CommonJS exports. */
function exportsHolder(moduleExports: unknown): Record<string, unknown> | undefined {
  const ns = asObject(moduleExports);
  return typeof ns?.generateText === 'function' ? ns : (moduleExportsOf(moduleExports) as Record<string, unknown> | undefined);
}

/**
 * Wraps the exports of an `ai` 5 / 6 copy: in place when they can be set, else returns wrapped exports to
 * use instead (undefined when patched in place).
 */
export function wrapExports(moduleExports: unknown, instrumentation: GenAIInstrumentationBase, recording: () => boolean): unknown {
  const m = exportsHolder(moduleExports);
  if (!m) return undefined;
  const wrapped: Record<string, Fn> = {};
  for (const name of WRAPPED) {
    const fn = m[name];
    if (typeof fn !== 'function') continue;
    const original = ((fn as unknown as Record<symbol, unknown>)[ORIGINAL] as Fn | undefined) ?? (fn as Fn);
    wrapped[name] = wrapCall(original, name, instrumentation, recording);
  }
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
  // Read-only exports: a copy with the same exports (values read once: the bundle's getters are constant).
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(m)) copy[key] = m[key];
  Object.assign(copy, wrapped, { __esModule: true });
  return copy;
}

/** Puts the original functions back on an `ai` copy patched in place. */
export function unwrapExports(moduleExports: unknown): void {
  const m = exportsHolder(moduleExports);
  for (const name of WRAPPED) {
    const original = (m?.[name] as Record<symbol, unknown> | undefined)?.[ORIGINAL];
    if (original) safely('unwrapping ai', () => void (m![name] = original), undefined);
  }
}

/** `recording`: false once the instrumentation is disabled (a returned copy of the exports stays wrapped). */
function wrapCall(original: Fn, name: (typeof WRAPPED)[number], instrumentation: GenAIInstrumentationBase, recording: () => boolean): Fn {
  const streamed = name === 'streamText';
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const options = asObject(args[0]);
    const model = options?.model;
    if (!recording() || !model || typeof model !== 'object') return original.apply(this, args);
    const observed = safely('wrapping an AI SDK model', () => observedModel(model as Model, streamed, instrumentation), undefined);
    return original.apply(this, observed ? [{ ...options, model: observed }, ...args.slice(1)] : args);
  };
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  return wrapper;
}

/** The app's model behind a Proxy whose model calls record; everything else reaches the model itself. */
function observedModel(model: Model, streamed: boolean, instrumentation: GenAIInstrumentationBase): Model {
  return new Proxy(model, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'doGenerate' || key === 'doStream') {
        return (callOptions: unknown) => {
          const translation = safely('reading an AI SDK model call', () => languageModelCall(target, callOptions, key === 'doStream' || streamed), undefined);
          return record(instrumentation, target, translation, key === 'doStream', () => (value as Fn).call(target, callOptions));
        };
      }
      if (key === 'doEmbed') {
        return (callOptions: unknown) => {
          const translation = safely('reading an AI SDK embedding call', () => embeddingsCall({ provider: target.provider, modelId: target.modelId }), undefined);
          return record(instrumentation, target, translation, false, () => (value as Fn).call(target, callOptions));
        };
      }
      return (value as Fn).bind(target);
    },
  });
}

/** The model call's options as the `ai` 7 languageModelCall event has them: system messages as instructions. */
function languageModelCall(model: Model, callOptions: unknown, streamed: boolean): CallTranslation<ResultTranslation> {
  const o = asObject(callOptions) ?? {};
  const prompt = asArray(o.prompt);
  const isSystem = (m: unknown) => asObject(m)?.role === 'system';
  const json = asObject(o.responseFormat)?.type === 'json';
  return modelCall(
    { ...o, provider: model.provider, modelId: model.modelId, instructions: prompt.filter(isSystem), messages: prompt.filter((m) => !isSystem(m)) },
    { streamed, outputType: json ? 'json' : undefined },
  );
}

function record(
  instrumentation: GenAIInstrumentationBase,
  model: Model,
  translation: CallTranslation<ResultTranslation> | undefined,
  streamed: boolean,
  run: () => unknown,
): unknown {
  const invocation = translation && instrumentation.startInvocation(translation.request);
  if (!invocation) return run();
  const call = new RecordedCall(invocation, translation.results(invocation.capturesContent));
  const setServer = (url: string | undefined) => {
    const server = url ? serverOfUrl(url) : undefined;
    if (server) invocation.setServer(server.serverAddress, server.serverPort);
  };
  let pending: Promise<unknown>;
  try {
    pending = Promise.resolve(contextApi.with(invocation.context, run));
  } catch (error) {
    call.fail(error);
    throw error;
  }
  return pending.then(
    (result) => {
      safely('recording an AI SDK model call', () => {
        setServer(requestUrl(result) ?? modelUrl(model));
        if (streamed && call.results.stream) {
          if (!observeStreamResult(result, invocation, call.results.stream())) invocation.end({});
        } else call.end(result);
      }, undefined);
      return result;
    },
    (error: unknown) => {
      safely('recording an AI SDK model call', () => {
        setServer(asString(asObject(error)?.url) ?? modelUrl(model));
        call.fail(error);
      }, undefined);
      throw error;
    },
  );
}

/**
 * The provider's base URL: the `ai` 5 / 6 providers do not report the request's URL in the result; the
 * `@ai-sdk/*` model classes keep a `config` with `url({ path, modelId })` (OpenAI-shaped ones) or `baseURL`.
 */
function modelUrl(model: Model): string | undefined {
  const config = asObject(model.config);
  if (!config) return undefined;
  if (typeof config.url === 'function') return asString(safely('reading the model URL', () => (config.url as Fn)({ path: '', modelId: model.modelId }), undefined));
  return asString(config.baseURL);
}
