/*
 * The async generator the caller of generateContentStream gets: it yields the SDK's chunks unchanged,
 * passes `return()` (break) and `throw()` through to the SDK's generator, runs each step in the call's
 * context (so the model requests that AFC makes while the stream is read are seen, and HTTP spans nest
 * under the GenAI span), and reports the chunks and the end of the stream to the core's StreamObserver.
 */
import type { Context } from '@opentelemetry/api';
import type { ChunkHandler, Invocation } from '../../core';
import { bindAsyncIterator, StreamObserver } from '../../core';

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
  handler: ChunkHandler,
): AsyncGenerator<unknown> {
  const stream = new StreamObserver(invocation, handler);
  const observed = stream.observe(bindAsyncIterator(source, callContext));

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
  stream.waitOnApp(generator);
  return generator;
}
