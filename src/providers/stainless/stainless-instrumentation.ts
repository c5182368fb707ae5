/*
 * The instrumentation of a Stainless-generated SDK (openai, @anthropic-ai/sdk, groq-sdk): its recorded
 * calls are the `create` methods of resource classes, reached through the client class's static aliases
 * (so every client instance, `withOptions()` copy and subclass is covered, and the SDK helpers that send
 * through `create` are recorded once per HTTP call). A provider lists its resources and how their calls
 * translate; this file wraps each `create`: one recorded call per call, its APIPromise observed in place
 * (./api-promise.ts).
 */
import type { Endpoint, GenAIInstrumentationConfig, Json } from '../../core';
import { GenAIInstrumentationBase, moduleExportsOf } from '../../core';
import { observeApiPromise } from './api-promise';
import type { StainlessCallTranslation } from './result-translation';

export type CreateMethod = (this: { _client?: unknown }, body: unknown, ...rest: unknown[]) => unknown;

/** How the calls of one resource's `create` are recorded. */
export interface CreateRecording {
  /** The call's translation from its body (an object) and the resource's client. */
  translate(body: Record<string, unknown>, client: unknown): StainlessCallTranslation;
  /** Runs the SDK call of a recorded call (default: as is), e.g. to keep the SDK's own spans out. */
  run?(client: unknown, invoke: () => unknown): unknown;
}

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
 * The client class of one loaded copy of the SDK, whose statics alias its resource classes: the named
 * export of the CommonJS exports (or ES module namespace), or the module itself where it is the class.
 */
export function clientClass(moduleExports: unknown, name: string): Record<string, any> | undefined {
  const sdk = moduleExportsOf(moduleExports);
  return (sdk?.[name] ?? sdk) as Record<string, any> | undefined;
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

/** The patched `create`: the SDK call, recorded (see GenAIInstrumentationBase.recordCall). */
function wrapCreate(instrumentation: GenAIInstrumentationBase, original: CreateMethod, recording: CreateRecording): CreateMethod {
  return function patchedCreate(this: { _client?: unknown }, body: unknown) {
    // The SDK gets exactly the arguments the app passed (`arguments`: no rest array and spread per call).
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const self = this;
    const client = self?._client;
    // A body that is not an object still makes a request (that the API refuses): it gets its span too.
    const params = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const invoke = () => original.apply(self, args as [unknown]);
    return instrumentation.recordCall(
      () => recording.translate(params, client),
      recording.run ? (call) => (call ? recording.run!(client, invoke) : invoke()) : invoke,
      observeApiPromise,
    );
  };
}
