/*
 * Async iterators and context. An async generator's body runs in the context of whoever calls its
 * `next()`, not of the code that created it: a generator made inside a GenAI context (or a stage
 * span) and consumed after that code returned would lose it. Binding its `next`/`return`/`throw` to a
 * context makes the body, and every GenAI call it makes, run in that context.
 */
import type { Context } from '@opentelemetry/api';
import { context as contextApi } from '@opentelemetry/api';

/** An async iterator that is its own iterable: async generators, observed streams, iterator helpers. */
export function isAsyncIterator(value: unknown): value is AsyncIterableIterator<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    const v = value as { next?: unknown; [Symbol.asyncIterator]?: unknown };
    return typeof v.next === 'function' && typeof v[Symbol.asyncIterator] === 'function';
  } catch {
    return false;
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * The same iterator protocol (same values, errors and early-return behaviour), with every step run in
 * `ctx`. `return`/`throw` are present only when the source has them, so `for await ... break` behaves
 * exactly as on the source.
 */
export function bindAsyncIterator<T>(source: AsyncIterator<T>, ctx: Context): AsyncIterableIterator<T> {
  // The source's steps, made once: context.with then needs neither a bound function nor a closure per step.
  const nextOfSource = (): Promise<IteratorResult<T>> => source.next();
  const nextOfSourceWith = (value: unknown): Promise<IteratorResult<T>> => source.next(value as never);
  const bound: AsyncIterableIterator<T> = {
    // The source sees the same arguments: none for `for await`, or the one the caller passed.
    next(value?: unknown): Promise<IteratorResult<T>> {
      return arguments.length === 0 ? contextApi.with(ctx, nextOfSource) : contextApi.with(ctx, nextOfSourceWith, undefined, value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  if (typeof source.return === 'function') {
    bound.return = (value?: unknown) => contextApi.with(ctx, () => source.return!(value as never));
  }
  if (typeof source.throw === 'function') {
    bound.throw = (error?: unknown) => contextApi.with(ctx, () => source.throw!(error));
  }
  return bound;
}
