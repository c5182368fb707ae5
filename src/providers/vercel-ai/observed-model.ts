/*
 * The app's model behind a Proxy whose model calls record (the `ai` 5 and 6 path, and `ai` 7's
 * generateObject / streamObject, which publish nothing on the channel): `doGenerate` and `doStream` are
 * the model calls themselves (one per step of a tool loop and per retry), made with the LanguageModel
 * call options (V2 in `ai` 5, V3 in 6, V4 in 7: `prompt` with the system messages in it,
 * `maxOutputTokens`, `temperature`, ..., `tools`, `responseFormat`) and returning the result shapes
 * ./response.ts and ./stream-parts.ts read for the channel too; `doEmbed` is one embeddings request.
 * Everything else reaches the model itself; the app's model object is never changed.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, ResultTranslation } from '../../core';
import { asArray, asObject, asString, safely } from '../../core';
import { embeddingsCall } from './embeddings';
import { modelCall } from './model-call';
import { openModelCall } from './model-call-record';

type Fn = (...args: unknown[]) => unknown;
export type Model = Record<string | symbol, unknown>;

/** Where the model calls of one AI SDK call record. */
export interface ModelScope {
  readonly instrumentation: GenAIInstrumentationBase;
  /** The parent of the model call spans: the call's invoke_agent span, else the caller's context. */
  readonly context: Context;
  /** The AI SDK call streams (streamText, streamObject). */
  readonly streamed: boolean;
  /** True when this model call is already recorded from the `ai:telemetry` channel (an `ai` 7 release that publishes it). */
  recordedElsewhere(): boolean;
}

/** Each observing Proxy → the app's model behind it. */
const appModels = new WeakMap<object, Model>();

/** The app's own model when `model` is an observing Proxy, else `model`. */
export function appModelOf(model: unknown): unknown {
  return (model && typeof model === 'object' && appModels.get(model)) || model;
}

export function observedModel(model: Model, scope: ModelScope): Model {
  const proxy = new Proxy(model, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'doGenerate' || key === 'doStream' || key === 'doEmbed') {
        return (...args: unknown[]) => {
          const run = () => (value as Fn).apply(target, args);
          if (safely('reading an AI SDK model call', () => scope.recordedElsewhere(), true)) return run();
          const streamed = key === 'doStream';
          // The base URL, read once: the span starts with the server it names, and it is the fallback at the end.
          const url = modelUrl(target);
          const translation = safely(
            'reading an AI SDK model call',
            () => (key === 'doEmbed' ? embeddingsCall({ provider: target.provider, modelId: target.modelId, url }) : languageModelCall(target, args[0], streamed || scope.streamed, url)),
            undefined,
          );
          return record(scope, target, translation, streamed, url, run);
        };
      }
      return (value as Fn).bind(target);
    },
  });
  appModels.set(proxy, model);
  return proxy;
}

/** The model call's options as the `ai` 7 languageModelCall event has them: system messages as instructions. */
function languageModelCall(model: Model, callOptions: unknown, streamed: boolean, url: string | undefined): CallTranslation<ResultTranslation> {
  const o = asObject(callOptions) ?? {};
  const prompt = asArray(o.prompt);
  const isSystem = (m: unknown) => asObject(m)?.role === 'system';
  const json = asObject(o.responseFormat)?.type === 'json';
  return modelCall(
    { ...o, provider: model.provider, modelId: model.modelId, url, instructions: prompt.filter(isSystem), messages: prompt.filter((m) => !isSystem(m)) },
    { streamed, outputType: json ? 'json' : undefined },
  );
}

function record(
  scope: ModelScope,
  model: Model,
  translation: CallTranslation<ResultTranslation> | undefined,
  streamed: boolean,
  url: string | undefined,
  run: () => unknown,
): unknown {
  const call = translation && safely('recording an AI SDK model call', () => openModelCall(scope.instrumentation, translation, scope.context, streamed, asString(model.provider)), undefined);
  if (!call) return run();
  let pending: Promise<unknown>;
  try {
    pending = Promise.resolve(contextApi.with(call.context, run));
  } catch (error) {
    safely('recording an AI SDK model call', () => call.fail(error, url), undefined);
    throw error;
  }
  return pending.then(
    (result) => {
      // Before the AI SDK reads a streamed result: its `stream` is replaced by the observed one here.
      safely('recording an AI SDK model call', () => call.end(result, url), undefined);
      return result;
    },
    (error: unknown) => {
      safely('recording an AI SDK model call', () => call.fail(error, url), undefined);
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
