/*
 * The async generator the caller of generateContentStream gets: it yields the SDK's chunks unchanged,
 * passes `return()` (break) and `throw()` through to the SDK's generator, runs each step in the call's
 * context (so the model requests that AFC makes while the stream is read are seen, and HTTP spans nest
 * under the GenAI span), and reports the chunks and the end of the stream to the core's StreamObserver.
 */
import type { Context } from '@opentelemetry/api';
import type { ChunkHandler, Invocation } from '../../core';
import { StreamObserver } from '../../core/stream-observer';

/**
 * The generators we hand out: real AsyncGenerators (what the SDK returns, and what
 * `Object.prototype.toString` says), whose `next` / `return` / `throw` (ObservedGenerator's, put on this
 * function's prototype below) are the observed iterator's. Each chunk then takes one step of ours, not
 * the three of a `yield*` body over it. The body runs only if %AsyncGeneratorPrototype%'s own methods
 * are called on one of them.
 */
async function* observedGenerator<T>(observed: AsyncIterable<T>): AsyncGenerator<T> {
  return yield* observed;
}

/** A base constructor that returns the object it is given: its subclass adds private fields to it. */
class Adopted {
  constructor(target: object) {
    return target as Adopted;
  }
}

/**
 * What each generator from observedGenerator() holds, in a private field (invisible to the app; no own
 * properties, no closures per call): the observed iterator, whose methods its own call.
 */
class ObservedGenerator<T> extends Adopted {
  #observed: AsyncIterableIterator<T>;

  /** A generator from observedGenerator() over `observed`. */
  static over<T>(observed: AsyncIterableIterator<T>): AsyncGenerator<T> {
    return new ObservedGenerator(observedGenerator(observed), observed) as unknown as AsyncGenerator<T>;
  }

  private constructor(generator: AsyncGenerator<T>, observed: AsyncIterableIterator<T>) {
    super(generator);
    this.#observed = observed;
  }

  next(value?: unknown): Promise<IteratorResult<T>> {
    // The source sees the same arguments: none for `for await`, or the one the app passed.
    return arguments.length === 0 ? this.#observed.next() : this.#observed.next(value);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    return this.#observed.return!(value);
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    return this.#observed.throw!(error);
  }
}
for (const method of ['next', 'return', 'throw'] as const) {
  // As %AsyncGeneratorPrototype% has them: writable, configurable, not enumerable.
  Object.defineProperty(observedGenerator.prototype, method, { value: ObservedGenerator.prototype[method], writable: true, configurable: true });
}

/**
 * Observes the SDK's async generator: same chunks, same `return()`/`throw()` behaviour (also before the
 * first `next()`), each step run in the call's context.
 */
export function observeGenerator(
  source: AsyncIterator<unknown>,
  invocation: Invocation,
  callContext: Context,
  handler: ChunkHandler,
): AsyncGenerator<unknown> {
  const stream = new StreamObserver(invocation, handler);
  // queueEnds: a generator queues return() / throw() behind a pending next(), and so does ours.
  const generator = ObservedGenerator.over(stream.observe(source, { context: callContext, queueEnds: true }));
  // The app may never read the stream, or drop it half-read: see Invocation.watch.
  stream.waitOnApp(generator);
  return generator;
}
