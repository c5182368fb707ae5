/*
 * The async generator the caller of generateContentStream gets: it yields the SDK's chunks unchanged,
 * passes `return()` (break) and `throw()` through to the SDK's generator, runs each step in the call's
 * context (so the model requests that AFC makes while the stream is read are seen, and HTTP spans nest
 * under the GenAI span), and reports the chunks and the end of the stream to the invocation.
 */
import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { Invocation, InvocationResponse } from '../../core';
import { observeAsyncIterator, safely } from '../../core';
import { geminiErrorType } from './generate-content-response';
import { type GeminiStreamAccumulator, isAfcFunctionResponses } from './generate-content-stream';

export function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return !!value && typeof (value as AsyncIterator<unknown>).next === 'function';
}

/**
 * Wraps the SDK's async generator in one of ours that delegates to it (`yield*`): same chunks, same
 * `return()`/`throw()` behaviour, and an AsyncGenerator like the one the SDK returns. Each step runs in
 * the call's context. `return()` or `throw()` before the first `next()` never reaches the body (a
 * generator that has not started just closes), so those two are also passed on to the observer then.
 */
export function observeGenerator(
  source: AsyncIterator<unknown>,
  invocation: Invocation,
  callContext: Context,
  accumulator: GeminiStreamAccumulator,
): AsyncGenerator<unknown> {
  const bound: AsyncIterator<unknown> = {
    next: (...args: [] | [unknown]) => context.with(callContext, () => source.next(...args)),
    return: (value?: unknown) =>
      typeof source.return === 'function'
        ? context.with(callContext, () => source.return!(value))
        : Promise.resolve({ done: true, value }),
    throw: (error?: unknown) =>
      typeof source.throw === 'function' ? context.with(callContext, () => source.throw!(error)) : Promise.reject(error),
  };
  const partial = partialResponse(accumulator);
  const observed = observeAsyncIterator(bound, {
    onChunk(chunk) {
      // The SDK's own function-results chunk (AFC) is not model output: no chunk timing for it.
      if (!isAfcFunctionResponses(chunk)) invocation.recordChunk();
      accumulator.onChunk(chunk);
    },
    onComplete: () => invocation.end(partial(false)),
    onEarlyReturn: () => invocation.end(partial(true)),
    onError: (error) => invocation.fail(error, partial(true), geminiErrorType(error)),
  });

  let started = false;
  const generator = (async function* () {
    started = true;
    return yield* observed;
  })();
  for (const method of ['return', 'throw'] as const) {
    const original = generator[method] as (this: AsyncGenerator<unknown>, arg?: unknown) => Promise<IteratorResult<unknown>>;
    Object.defineProperty(generator, method, {
      configurable: true,
      writable: true,
      value(this: AsyncGenerator<unknown>, arg?: unknown) {
        if (!started) void observed[method]!(arg).catch(() => undefined);
        return original.call(this, arg);
      },
    });
  }
  // The app may never read the stream, or drop it half-read: see Invocation.watch.
  invocation.waitOnApp(partial);
  invocation.watch(generator);
  return generator;
}

/** The response assembled from the stream so far (a function of its own: it must not hold the generator). */
function partialResponse(accumulator: GeminiStreamAccumulator): (interrupted: boolean) => InvocationResponse {
  return (interrupted) => safely('assembling a streamed response', () => accumulator.toResponse(interrupted), {});
}
