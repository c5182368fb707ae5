/*
 * The instrumentation of a Stainless-generated SDK (openai, @anthropic-ai/sdk, groq-sdk): its recorded
 * calls are the `create` methods of resource classes, reached through the client class's static aliases
 * (so every client instance, `withOptions()` copy and subclass is covered), each wrapped by
 * ./create-wrapper.ts. A provider lists its resources; the rest is here.
 */
import type { Endpoint, GenAIInstrumentationConfig, Json } from '../../core';
import { GenAIInstrumentationBase } from '../../core';
import { type CreateMethod, type CreateRecording, wrapCreate } from './create-wrapper';
import type { StainlessCallTranslation } from './result-translation';

/** One resource class whose `create` is recorded. */
export interface CreateTarget {
  /** The resource class's prototype, if this copy of the SDK has it. */
  readonly resource: object | undefined;
  /** Its name in the SDK (`chat.completions`), for the diag line when a version lacks it. */
  readonly label: string;
  readonly recording: CreateRecording;
}

export abstract class StainlessInstrumentation<Config extends GenAIInstrumentationConfig = GenAIInstrumentationConfig> extends GenAIInstrumentationBase<Config> {
  /** The resources of one loaded copy of the SDK (CommonJS exports or ESM namespace). */
  protected abstract createTargets(moduleExports: unknown): CreateTarget[];

  protected override patch(moduleExports: unknown): void {
    for (const { resource, label, recording } of this.createTargets(moduleExports)) {
      this.wrapMethod(resource, 'create', `${label}.create`, (original: CreateMethod) => wrapCreate(this, original, recording));
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    for (const { resource } of this.createTargets(moduleExports)) this.unwrapMethod(resource, 'create');
  }
}

/**
 * The target of a resource class `cls` (undefined when this copy of the SDK lacks it) whose calls are
 * translated from their body and the endpoint of the client they go through.
 */
export function createTarget(
  cls: unknown,
  label: string,
  translate: (body: Json, endpoint: Endpoint) => StainlessCallTranslation,
  endpointOf: (client: unknown) => Endpoint,
): CreateTarget {
  return {
    resource: typeof cls === 'function' ? (cls.prototype as object) : undefined,
    label,
    recording: { translate: (body, client) => translate(body, endpointOf(client)) },
  };
}
