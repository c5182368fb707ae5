/*
 * The wrapper of a Stainless resource's `create` (openai's and @anthropic-ai/sdk's): one recorded call per
 * `create`, its APIPromise observed in place (./api-promise.ts).
 */
import type { GenAIInstrumentationBase } from '../../core';
import { observeApiPromise } from './api-promise';
import type { StainlessCallTranslation } from './result-translation';

export type CreateMethod = (this: { _client?: unknown }, body: unknown, ...rest: unknown[]) => unknown;

export interface CreateRecording {
  /** The call's translation from its body (an object) and the resource's client. */
  translate(body: Record<string, unknown>, client: unknown): StainlessCallTranslation;
  /** Runs the SDK call of a recorded call (default: as is), e.g. to keep the SDK's own spans out. */
  run?(client: unknown, invoke: () => unknown): unknown;
}

export function wrapCreate(instrumentation: GenAIInstrumentationBase, original: CreateMethod, recording: CreateRecording): CreateMethod {
  return function patchedCreate(this: { _client?: unknown }, body: unknown, ...rest: unknown[]) {
    const client = this?._client;
    // A body that is not an object still makes a request (that the API refuses): it gets its span too.
    const params = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const invoke = () => original.call(this, body, ...rest);
    return instrumentation.recordCall(
      () => recording.translate(params, client),
      (call) => (call && recording.run ? recording.run(client, invoke) : invoke()),
      (returned, call) => observeApiPromise(returned, call),
    );
  };
}
