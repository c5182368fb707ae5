/*
 * Observes an async iterator without changing what the consumer sees: same values, same errors, same
 * early-`return()` behaviour (which is how `break` and `ReadableStream.cancel()` reach the SDK).
 * The observer learns of each chunk and, exactly once, of how the iteration ended. Given a context, it
 * also runs each step of the source in it (what ./genai-context/bind.ts does for an iterator nobody
 * observes), in the same step. The mechanics only: a GenAI call's stream is observed through
 * ./stream-observer.ts, which builds on this.
 */
import type { Context } from '@opentelemetry/api';
import { context as contextApi } from '@opentelemetry/api';
import { reportFailure, safely } from './safely';

export interface IteratorObserver<T> {
  onChunk(chunk: T): void;
  /** The source is exhausted. */
  onComplete(): void;
  /** The source threw (network error, API error event, malformed chunk, abort surfaced as error). */
  onError(error: unknown): void;
  /** The consumer stopped early (`break`, `return`, cancel). */
  onEarlyReturn(): void;
}

/**
 * One stream, several iterators (an SDK stream object hands out a new one each time it is iterated):
 * only the first iterator the app uses reports to the observer. A second one is passed through
 * unobserved, so the SDK's "stream already consumed" error it throws does not fail a call that the first
 * iterator reads to its end.
 */
export class IteratorArbiter {
  private owner: object | undefined;

  /** Whether `iterator` reports: it is, or now becomes, the first iterator used. */
  claim(iterator: object): boolean {
    this.owner ??= iterator;
    return this.owner === iterator;
  }
}

export interface ObserveIteratorOptions {
  /** Several iterators of one stream: only the one the arbiter lets claim it reports. */
  arbiter?: IteratorArbiter;
  /**
   * Every step of the source (`next`, `return`, `throw`) runs in this context: a generator's body runs
   * in the context of whoever calls its `next()`, and the code it runs (an SDK's further requests, the
   * app's tools) must see the context of the call that made it, not the consumer's.
   */
  context?: Context;
  /**
   * `return()` / `throw()` called while a `next()` is still pending wait for it, as an async generator
   * queues them: the observer hears of the chunk in flight, then of the end.
   */
  queueEnds?: boolean;
}

export function observeAsyncIterator<T>(
  source: AsyncIterator<T>,
  observer: IteratorObserver<T>,
  { arbiter, context, queueEnds }: ObserveIteratorOptions = {},
): AsyncIterableIterator<T> {
  let settled = false;
  // Steps whose outcome the observer has yet to hear of, and what a queued end waits on until there are none.
  let stepsInFlight = 0;
  let resolveDrained: (() => void) | undefined;
  let drained: Promise<void> | undefined;
  const stepSettled = () => {
    if (--stepsInFlight > 0 || !resolveDrained) return;
    resolveDrained();
    resolveDrained = drained = undefined;
  };
  const whenDrained = (): Promise<void> => (drained ??= new Promise<void>((resolve) => (resolveDrained = resolve)));
  const settle = (what: string, fn: () => void) => {
    if (settled) return;
    settled = true;
    safely(what, fn, undefined);
  };
  // The reactions to each `next()` are made once per iterator, not once per chunk: a stream's chunks
  // then cost one promise each and no closure.
  const onResult = (result: IteratorResult<T>): IteratorResult<T> => {
    stepSettled();
    if (result.done) settle('ending a completed stream', () => observer.onComplete());
    else if (!settled) {
      try {
        observer.onChunk(result.value);
      } catch (error) {
        reportFailure('reading a stream chunk', error);
      }
    }
    return result;
  };
  const onFailure = (error: unknown): never => {
    stepSettled();
    settle('ending a failed stream', () => observer.onError(error));
    throw error;
  };
  // The source's steps, made once: context.with then needs neither a bound function nor a closure per step.
  const nextOfSource = (): Promise<IteratorResult<T>> => source.next();
  const nextOfSourceWith = (value: unknown): Promise<IteratorResult<T>> => source.next(value as never);
  const inContext = <R>(step: () => R): R => (context ? contextApi.with(context, step) : step());

  const observed: AsyncIterableIterator<T> = {
    // Not `async`: one promise per chunk instead of two; a synchronous throw still becomes a rejection.
    next(value?: unknown): Promise<IteratorResult<T>> {
      let pending: Promise<IteratorResult<T>>;
      try {
        // The source sees the same arguments: none for `for await`, or the one the app passed.
        const step =
          arguments.length === 0
            ? context
              ? contextApi.with(context, nextOfSource)
              : source.next()
            : context
              ? contextApi.with(context, nextOfSourceWith, undefined, value)
              : source.next(value);
        pending = Promise.resolve(step);
      } catch (error) {
        pending = Promise.reject(error);
      }
      if (arbiter && !arbiter.claim(observed)) return pending;
      stepsInFlight++;
      return pending.then(onResult, onFailure);
    },
    async return(value?: unknown): Promise<IteratorResult<T>> {
      if (queueEnds && stepsInFlight > 0) await whenDrained();
      if (!arbiter || arbiter.claim(observed)) settle('ending a stream closed early', () => observer.onEarlyReturn());
      if (typeof source.return === 'function') return inContext(() => source.return!(value as never));
      return { done: true, value: value as never };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      if (queueEnds && stepsInFlight > 0) await whenDrained();
      if (!arbiter || arbiter.claim(observed)) settle('ending a stream thrown into', () => observer.onError(error));
      if (typeof source.throw === 'function') return inContext(() => source.throw!(error));
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return observed;
}
