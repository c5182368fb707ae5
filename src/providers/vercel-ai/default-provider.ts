/*
 * Models given by id string (`model: 'openai/gpt-4o'`). The AI SDK resolves an id with the app's global
 * provider (`globalThis.AI_SDK_DEFAULT_PROVIDER`) when it set one, else with its gateway provider. With a
 * global provider, the same model object is resolved here, by the call the AI SDK makes
 * (`languageModel(id)`, and `textEmbeddingModel(id)` in `ai` 5 / `embeddingModel(id)` in 6), and handed to
 * the AI SDK in place of the id, so that its calls are observed. Only when the AI SDK takes that object as
 * it takes the one it resolves from the id (a model object of another specification version is converted
 * or refused, an id's model never is) and only when the provider returns one: a provider that throws is
 * left to throw to the app from inside the AI SDK, as it would. Without a global provider (the gateway)
 * the id is left as it is: its model calls are not recorded.
 */
import { asObject, asString } from '../../core';
import type { Model } from './observed-model';

/** How one copy of `ai` resolves an id. */
export interface IdResolution {
  /** The model specification versions its calls take unchanged from an object, as from an id. */
  readonly unchangedVersions: readonly string[];
  /** The global provider's method for an embedding model id. */
  readonly embeddingModelMethod: 'textEmbeddingModel' | 'embeddingModel';
}

/** The model object the AI SDK would resolve `id` to, or undefined to leave the id to the AI SDK. */
export function modelOfId(id: string, kind: 'language' | 'embedding', resolution: IdResolution): Model | undefined {
  const provider = asObject((globalThis as { AI_SDK_DEFAULT_PROVIDER?: unknown }).AI_SDK_DEFAULT_PROVIDER);
  const method = kind === 'language' ? 'languageModel' : resolution.embeddingModelMethod;
  const resolve = provider?.[method];
  if (typeof resolve !== 'function') return undefined;
  let model: Model | undefined;
  try {
    model = asObject(resolve.call(provider, id));
  } catch {
    // The app's provider refuses the id: the AI SDK calls it again and the app gets that error from it.
    return undefined;
  }
  return model && resolution.unchangedVersions.includes(asString(model.specificationVersion) ?? '') ? model : undefined;
}

/** What the AI SDK would record as the provider of a model id it resolves itself: `gateway` without a global provider. */
export function idProvider(): string | undefined {
  return (globalThis as { AI_SDK_DEFAULT_PROVIDER?: unknown }).AI_SDK_DEFAULT_PROVIDER ? undefined : 'gateway';
}
