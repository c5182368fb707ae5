/* What a provider gives ./api-promise.ts to turn an SDK method's result into the core model. */
import type { ChunkHandler, InvocationResponse } from '../../core';

/** Turns what the SDK returned into the core model. */
export interface ResultTranslator {
  /** A parsed non-streamed result. */
  response(result: unknown): InvocationResponse;
  /** For streamed calls: a fresh chunk handler (see core's StreamObserver). */
  stream?(): ChunkHandler;
  /**
   * For streamed bodies that an SDK helper parses itself (see ./response-props-tap.ts): one server-sent
   * event of the body, as the SDK's own stream would see it → the chunk it yields, the error it throws,
   * or undefined for an event it skips. `response` is the fetch Response the body belongs to.
   */
  sseEvent?(event: string | null, data: string, response: unknown): { chunk: unknown } | { error: unknown } | undefined;
}
