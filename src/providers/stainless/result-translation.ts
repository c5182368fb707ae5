/* What a provider of a Stainless-generated SDK gives ./api-promise.ts: the core's translation, plus SSE events. */
import type { CallTranslation, ResultTranslation } from '../../core';

/** The results of a Stainless SDK method: a parsed result, a Stream's chunks, or (for SDK helpers) raw SSE events. */
export interface StainlessResultTranslation extends ResultTranslation<unknown> {
  /**
   * For streamed bodies that an SDK helper parses itself (see ./response-props-tap.ts): one server-sent
   * event of the body, as the SDK's own stream would see it → the chunk it yields, the error it throws,
   * or undefined for an event it skips. `response` is the fetch Response the body belongs to.
   */
  sseEvent?(event: string | null, data: string, response: unknown): { chunk: unknown } | { error: unknown } | undefined;
}

export type StainlessCallTranslation = CallTranslation<StainlessResultTranslation>;
