/*
 * The one observer of a GenAI call's streamed response, whatever SDK streams it. It owns what every
 * stream has in common: chunk timing (time to first chunk, time per output chunk), ending the call
 * exactly once (the stream completed; the app stopped early by `break`, `return()` or cancel; the
 * request was aborted; the stream failed; or the app abandoned it, see ./open-invocations.ts), and the
 * partial response of a stream that did not run to its end. A provider supplies only a ChunkHandler:
 * what a chunk means and what the chunks so far add up to.
 *
 * Naming: a chunk handler reads chunks; an accumulator (./stream-accumulator.ts, Bedrock's
 * BlockAccumulator) is a buffer a chunk handler may fill.
 */
import type { Attributes, Context } from '@opentelemetry/api';
import type { Invocation } from './invocation';
import { IteratorArbiter, observeAsyncIterator } from './iterator-observer';
import type { InvocationResponse } from './model';
import { reportFailure, safely } from './safely';

/** What a provider supplies for one streamed response. */
export interface ChunkHandler<C = unknown> {
  /** One chunk, as the app receives it. */
  onChunk(chunk: C): void;
  /** The response assembled so far; `interrupted` when the stream did not run to its end. */
  toResponse(interrupted: boolean): InvocationResponse;
  /** Whether a chunk is model output, timed as a chunk (default: every chunk is). */
  isOutput?(chunk: C): boolean;
  /** What a failed stream's error tells beyond itself: the provider's `error.type`, attributes it carries. */
  describeError?(error: unknown): StreamFailure;
}

export interface StreamFailure {
  errorType?: string;
  attributes?: Attributes;
}

export interface ObserveOptions {
  /**
   * Whether the request was aborted: for an SDK whose iterator ends quietly when its request is aborted,
   * so that such an end is recorded as an interruption, not as a completed stream.
   */
  aborted?: () => boolean;
  /** The context every step of the source runs in (see ObserveIteratorOptions.context). */
  context?: Context;
  /** Ends wait for a pending step, as a generator's do (see ObserveIteratorOptions.queueEnds). */
  queueEnds?: boolean;
}

/**
 * One call's streamed response. Sources feed it through observe() / observeIteratorFactory() (async
 * iterators) or chunk() / complete() / stop() / fail() (anything else, e.g. a tapped body). It holds the
 * call and the handler, never the stream: the call abandons itself when the app drops the stream.
 */
export class StreamObserver<C = unknown> {
  constructor(
    private readonly invocation: Invocation,
    private readonly handler: ChunkHandler<C>,
  ) {}

  /** Whether the call has ended (a source may stop feeding chunks then). */
  get ended(): boolean {
    return this.invocation.isEnded;
  }

  /**
   * The app now holds the stream: from here the call waits on it (the idle limit applies, and an
   * abandoned call records the chunks so far). `handles`: the objects through which the app can still
   * read the stream (see Invocation.watch).
   */
  waitOnApp(...handles: object[]): void {
    this.invocation.waitOnApp(receivedSoFar(this.handler));
    for (const handle of handles) this.invocation.watch(handle);
  }

  /** One chunk the app receives. */
  chunk(chunk: C): void {
    if (this.invocation.isEnded) return;
    const handler = this.handler;
    // Caught inline rather than through `safely`: no closures per chunk.
    let isOutput = true;
    if (handler.isOutput) {
      try {
        isOutput = handler.isOutput(chunk);
      } catch (error) {
        reportFailure('reading a stream chunk', error);
      }
    }
    if (isOutput) this.invocation.recordChunk();
    try {
      handler.onChunk(chunk);
    } catch (error) {
      reportFailure('reading a stream chunk', error);
    }
  }

  /** The stream ended: ran to its end, or (`interrupted`) was cut short without failing. */
  complete(interrupted = false): void {
    if (!this.invocation.isEnded) this.invocation.end(receivedSoFar(this.handler)(interrupted));
  }

  /** The app stopped reading early (`break`, `return()`, cancel) or aborted the request. */
  stop(): void {
    this.complete(true);
  }

  /** The stream failed: the call fails with what arrived before. */
  fail(error: unknown): void {
    if (this.invocation.isEnded) return;
    const handler = this.handler;
    const failure: StreamFailure = handler.describeError ? safely('reading a stream failure', () => handler.describeError!(error), {}) : {};
    const partial = receivedSoFar(handler)(true);
    const response =
      failure.attributes && Object.keys(failure.attributes).length > 0
        ? { ...partial, attributes: { ...partial.attributes, ...failure.attributes } }
        : partial;
    this.invocation.fail(error, response, failure.errorType);
  }

  /** `source`, observed: the app gets the same values, errors and `return()`/`throw()` behaviour. */
  observe<T extends C>(source: AsyncIterator<T>, options: ObserveOptions = {}, arbiter?: IteratorArbiter): AsyncIterableIterator<T> {
    const aborted = options.aborted;
    return observeAsyncIterator(
      source,
      {
        onChunk: (chunk) => this.chunk(chunk),
        onComplete: () => this.complete(aborted?.() === true),
        onEarlyReturn: () => this.stop(),
        onError: (error) => this.fail(error),
      },
      { arbiter, context: options.context, queueEnds: options.queueEnds },
    );
  }

  /**
   * Observes a stream object through its iterator factory `owner[key]` (an SDK stream's `iterator` or
   * `Symbol.asyncIterator`: the one place `for await`, `tee()` and the like all go through), leaving the
   * object otherwise untouched. Of the iterators it hands out, the first the app uses reports (see
   * IteratorArbiter); each is a handle of the call. Returns false, and leaves `owner` alone, when it is
   * no object, or its factory is missing or cannot be replaced (a frozen object).
   */
  observeIteratorFactory(owner: unknown, key: PropertyKey, options: ObserveOptions = {}): boolean {
    if (owner === null || (typeof owner !== 'object' && typeof owner !== 'function')) return false;
    const factory = (owner as Record<PropertyKey, unknown>)[key];
    if (typeof factory !== 'function') return false;
    const arbiter = new IteratorArbiter();
    const stream = this;
    const observed = function (this: unknown, ...args: unknown[]) {
      const iterator = stream.observe(factory.apply(this, args) as AsyncIterator<C>, options, arbiter);
      stream.invocation.watch(iterator);
      return iterator;
    };
    try {
      Object.defineProperty(owner, key, {
        value: observed,
        writable: true,
        configurable: true,
        enumerable: Object.prototype.propertyIsEnumerable.call(owner, key),
      });
    } catch {
      return false;
    }
    return true;
  }
}

/** The response assembled so far (a function of its own: what the call keeps must not hold the stream). */
function receivedSoFar<C>(handler: ChunkHandler<C>): (interrupted: boolean) => InvocationResponse {
  return (interrupted) => safely('assembling a streamed response', () => handler.toResponse(interrupted), {});
}
