/*
 * observeAsyncIterator: the consumer sees exactly what the source produces (same values, same errors,
 * same early-return behaviour), and the observer hears of each chunk and, exactly once, of the end.
 */
import { DiagLogLevel, context, createContextKey, diag, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { observeAsyncIterator, type IteratorObserver } from '../../src/core/iterator-observer';

interface Recorder<T> extends IteratorObserver<T> {
  chunks: T[];
  calls: string[];
  errors: unknown[];
}

function recorder<T>(): Recorder<T> {
  const r: Recorder<T> = {
    chunks: [],
    calls: [],
    errors: [],
    onChunk: (c) => void r.chunks.push(c),
    onComplete: () => void r.calls.push('complete'),
    onError: (e) => {
      r.calls.push('error');
      r.errors.push(e);
    },
    onEarlyReturn: () => void r.calls.push('early-return'),
  };
  return r;
}

/** A source that records how it is driven. */
function source<T>(values: T[], opts: { failAt?: number; error?: unknown } = {}) {
  const log: string[] = [];
  let i = 0;
  let closed = false;
  const it: AsyncIterator<T> & { log: string[] } = {
    log,
    async next(...args: unknown[]) {
      log.push(`next(${args.map((a) => JSON.stringify(a)).join(',')})`);
      if (closed) return { done: true, value: undefined };
      if (opts.failAt === i) throw opts.error;
      if (i < values.length) return { done: false, value: values[i++]! };
      closed = true;
      return { done: true, value: undefined };
    },
    async return(value?: unknown) {
      log.push(`return(${JSON.stringify(value)})`);
      closed = true;
      return { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      log.push('throw');
      closed = true;
      throw error;
    },
  };
  return it;
}

const objects = [{ id: 1 }, { id: 2 }, { id: 3 }];

describe('observeAsyncIterator', () => {
  it('yields the very same values, reports each chunk and completes exactly once', async () => {
    const obs = recorder<{ id: number }>();
    const wrapped = observeAsyncIterator(source(objects), obs);
    const seen: unknown[] = [];
    for await (const v of wrapped) seen.push(v);
    expect(seen).toHaveLength(3);
    seen.forEach((v, i) => expect(v).toBe(objects[i]));
    expect(obs.chunks).toEqual(objects);
    expect(obs.calls).toEqual(['complete']);
    // Reading past the end does not complete again.
    expect(await wrapped.next()).toEqual({ done: true, value: undefined });
    expect(obs.calls).toEqual(['complete']);
  });

  it('forwards next() arguments to the source', async () => {
    const src = source([1]);
    const wrapped = observeAsyncIterator(src, recorder<number>());
    await wrapped.next('sent');
    expect(src.log).toEqual(['next("sent")']);
  });

  it('is its own async iterator', () => {
    const wrapped = observeAsyncIterator(source([1]), recorder<number>());
    expect(wrapped[Symbol.asyncIterator]()).toBe(wrapped);
  });

  it('rethrows the identical error and reports it exactly once', async () => {
    const boom = new Error('boom');
    const obs = recorder<number>();
    const wrapped = observeAsyncIterator(source([1, 2], { failAt: 1, error: boom }), obs);
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const v of wrapped) seen.push(v);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(seen).toEqual([1]);
    expect(obs.calls).toEqual(['error']);
    expect(obs.errors[0]).toBe(boom);
  });

  it('rethrows non-Error throwables unchanged', async () => {
    const thrown = { weird: true };
    const obs = recorder<number>();
    const wrapped = observeAsyncIterator(source([], { failAt: 0, error: thrown }), obs);
    await expect(wrapped.next()).rejects.toBe(thrown);
    expect(obs.errors).toEqual([thrown]);
  });

  it('break: return() is forwarded to the source and the early return is reported exactly once', async () => {
    const src = source(objects);
    const obs = recorder<{ id: number }>();
    const wrapped = observeAsyncIterator(src, obs);
    for await (const v of wrapped) if (v.id === 2) break;
    expect(src.log).toEqual(['next()', 'next()', 'return(undefined)']);
    expect(obs.chunks).toEqual(objects.slice(0, 2));
    expect(obs.calls).toEqual(['early-return']);
    // A second return() still reaches the source but is not reported again.
    expect(await wrapped.return!('v')).toEqual({ done: true, value: 'v' });
    expect(src.log[src.log.length - 1]).toBe('return("v")');
    expect(obs.calls).toEqual(['early-return']);
  });

  it("return()'s result comes from the source", async () => {
    const src = source([1]);
    src.return = async () => ({ done: true, value: 'from-source' as unknown as number });
    const wrapped = observeAsyncIterator(src, recorder<number>());
    expect(await wrapped.return!()).toEqual({ done: true, value: 'from-source' });
  });

  it('return() on a source without return() resolves done with the given value', async () => {
    const obs = recorder<number>();
    const bare: AsyncIterator<number> = { next: async () => ({ done: false, value: 1 }) };
    const wrapped = observeAsyncIterator(bare, obs);
    expect(await wrapped.return!(7)).toEqual({ done: true, value: 7 });
    expect(obs.calls).toEqual(['early-return']);
  });

  it('a rejected source.return() reaches the caller', async () => {
    const src = source([1]);
    const err = new Error('cleanup failed');
    src.return = async () => {
      throw err;
    };
    const wrapped = observeAsyncIterator(src, recorder<number>());
    await expect(wrapped.return!()).rejects.toBe(err);
  });

  it('throw() is forwarded to the source and reported as an error once', async () => {
    const src = source([1, 2]);
    const obs = recorder<number>();
    const wrapped = observeAsyncIterator(src, obs);
    const err = new Error('injected');
    await expect(wrapped.throw!(err)).rejects.toBe(err);
    expect(src.log).toEqual(['throw']);
    expect(obs.calls).toEqual(['error']);
    expect(obs.errors[0]).toBe(err);
  });

  it('throw() on a source without throw() rethrows the same error', async () => {
    const obs = recorder<number>();
    const wrapped = observeAsyncIterator({ next: async () => ({ done: true, value: undefined }) } as AsyncIterator<number>, obs);
    const err = new Error('x');
    await expect(wrapped.throw!(err)).rejects.toBe(err);
    expect(obs.calls).toEqual(['error']);
  });

  it('nothing is reported after the end: no chunks after an early return, no second outcome', async () => {
    const obs = recorder<number>();
    const wrapped = observeAsyncIterator(source([1, 2, 3]), obs);
    await wrapped.next();
    await wrapped.return!();
    await wrapped.next();
    await expect(wrapped.throw!(new Error('late'))).rejects.toThrow('late');
    expect(obs.chunks).toEqual([1]);
    expect(obs.calls).toEqual(['early-return']);
  });

  describe('queueEnds: return() / throw() behind a pending next(), as an async generator queues them', () => {
    /** A source whose first next() resolves only when the test says so. */
    function slowSource() {
      const log: string[] = [];
      let release!: () => void;
      const src: AsyncIterator<number> = {
        next: () => {
          log.push('next');
          return new Promise((resolve) => (release = () => resolve({ done: false, value: 1 })));
        },
        return: async (value?: unknown) => {
          log.push('return');
          return { done: true, value: value as number };
        },
        throw: async (error?: unknown) => {
          log.push('throw');
          throw error;
        },
      };
      return { src, log, release: () => release() };
    }

    it('with it, the chunk in flight is reported, then the end, and only then does the source see return()', async () => {
      const { src, log, release } = slowSource();
      const obs = recorder<number>();
      const wrapped = observeAsyncIterator(src, obs, { queueEnds: true });
      const pending = wrapped.next();
      const returned = wrapped.return!('r');
      await new Promise((resolve) => setImmediate(resolve));
      expect(log).toEqual(['next']);
      release();
      expect(await pending).toEqual({ done: false, value: 1 });
      expect(await returned).toEqual({ done: true, value: 'r' });
      expect(obs.chunks).toEqual([1]);
      expect(obs.calls).toEqual(['early-return']);
      expect(log).toEqual(['next', 'return']);
    });

    it('throw() waits too; with nothing pending, an end is not delayed', async () => {
      const { src, log, release } = slowSource();
      const obs = recorder<number>();
      const wrapped = observeAsyncIterator(src, obs, { queueEnds: true });
      const pending = wrapped.next();
      const err = new Error('thrown in');
      const thrown = wrapped.throw!(err);
      release();
      await pending;
      await expect(thrown).rejects.toBe(err);
      expect(obs.chunks).toEqual([1]);
      expect(obs.calls).toEqual(['error']);
      expect(log).toEqual(['next', 'throw']);

      const idle = slowSource();
      const idleObs = recorder<number>();
      expect(await observeAsyncIterator(idle.src, idleObs, { queueEnds: true }).return!()).toEqual({ done: true, value: undefined });
      expect(idle.log).toEqual(['return']);
    });

    it('without it, the end is reported at once and passed on (the source decides whether to queue it)', async () => {
      const { src, log, release } = slowSource();
      const obs = recorder<number>();
      const wrapped = observeAsyncIterator(src, obs);
      const pending = wrapped.next();
      await wrapped.return!();
      expect(log).toEqual(['next', 'return']);
      release();
      await pending;
      expect(obs.chunks).toEqual([]);
      expect(obs.calls).toEqual(['early-return']);
    });
  });

  describe('with a context: every step of the source runs in it', () => {
    const contextManager = new AsyncLocalStorageContextManager();
    beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
    afterAll(() => {
      contextManager.disable();
      context.disable();
    });
    const KEY = createContextKey('iterator-observer test');
    const callContext = ROOT_CONTEXT.setValue(KEY, 'call');
    const seenBy = (log: string[], step: string) => log.push(`${step}:${String(context.active().getValue(KEY))}`);

    /** A generator that logs the context each part of its body runs in, before and after an await. */
    function logging(log: string[]) {
      return (async function* () {
        try {
          seenBy(log, 'start');
          await new Promise((resolve) => setTimeout(resolve, 1));
          seenBy(log, 'after-await');
          yield 1;
          seenBy(log, 'resumed');
          yield 2;
        } finally {
          seenBy(log, 'finally');
        }
      })();
    }

    it('next(), with or without an argument, and return(): the body and its awaits see the context, the consumer its own', async () => {
      const log: string[] = [];
      const wrapped = observeAsyncIterator(logging(log), recorder<number>(), { context: callContext });
      expect(await wrapped.next()).toEqual({ done: false, value: 1 });
      seenBy(log, 'consumer');
      expect(await wrapped.next('sent')).toEqual({ done: false, value: 2 });
      expect(await wrapped.return!('r')).toEqual({ done: true, value: 'r' });
      expect(log).toEqual(['start:call', 'after-await:call', 'consumer:undefined', 'resumed:call', 'finally:call']);
    });

    it('throw() runs the source in the context too', async () => {
      const log: string[] = [];
      const obs = recorder<number>();
      const wrapped = observeAsyncIterator(logging(log), obs, { context: callContext });
      await wrapped.next();
      const err = new Error('thrown in');
      await expect(wrapped.throw!(err)).rejects.toBe(err);
      expect(log).toEqual(['start:call', 'after-await:call', 'finally:call']);
      expect(obs.calls).toEqual(['error']);
    });
  });

  it('works with a real async generator: its finally block runs on break', async () => {
    let cleanedUp = false;
    async function* gen() {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        cleanedUp = true;
      }
    }
    const obs = recorder<number>();
    for await (const v of observeAsyncIterator(gen(), obs)) if (v === 2) break;
    expect(cleanedUp).toBe(true);
    expect(obs.calls).toEqual(['early-return']);
  });

  describe('a throwing observer never disturbs the consumer', () => {
    const logged: string[] = [];
    beforeEach(() => {
      logged.length = 0;
      diag.disable();
      diag.setLogger(
        { error: (m: string) => void logged.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
        { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
      );
    });
    afterEach(() => diag.disable());

    const throwing: IteratorObserver<number> = {
      onChunk: () => {
        throw new Error('observer chunk');
      },
      onComplete: () => {
        throw new Error('observer complete');
      },
      onError: () => {
        throw new Error('observer error');
      },
      onEarlyReturn: () => {
        throw new Error('observer return');
      },
    };

    it('values and completion', async () => {
      const seen: number[] = [];
      for await (const v of observeAsyncIterator(source([1, 2]), throwing)) seen.push(v);
      expect(seen).toEqual([1, 2]);
      expect(logged.length).toBeGreaterThanOrEqual(3);
    });

    it('the source error, not the observer error, reaches the consumer', async () => {
      const boom = new Error('source');
      await expect(observeAsyncIterator(source([], { failAt: 0, error: boom }), throwing).next()).rejects.toBe(boom);
    });

    it('early return still reaches the source', async () => {
      const src = source([1, 2]);
      const wrapped = observeAsyncIterator(src, throwing);
      for await (const _v of wrapped) break;
      expect(src.log).toContain('return(undefined)');
    });
  });
});
