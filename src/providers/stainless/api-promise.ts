/*
 * Observes the result of a Stainless-generated SDK method (openai, @anthropic-ai/sdk, groq-sdk) without
 * changing what the caller gets back: the very same APIPromise object is returned, so `.withResponse()`,
 * `.asResponse()`, `._thenUnwrap()` and the SDK helpers built on them keep working.
 *
 * How: APIPromise keeps its body parser in the public instance property `parseResponse` (both the v4 and
 * v5 file layouts), and children made by `_thenUnwrap` call it through `this`. We replace that property on
 * this one instance with a wrapper that sees the parsed value. HTTP failures reject `responsePromise`
 * before any parsing, so we listen there too. A caller that only takes the raw body with `asResponse()`
 * never parses: the call then ends when that response arrives.
 *
 * Some SDK helpers take the raw response instead (`_responseProps()`) and parse a streamed body
 * themselves: ./response-props-tap.ts observes that body.
 *
 * The app may never finish a call: never await the promise, never read the stream, drop it half-read.
 * The APIPromise, the Stream and every iterator taken from it are watched by the invocation, which ends
 * the call as abandoned once they are all garbage collected (or at its idle limit, or at shutdown). So
 * nothing the invocation holds may reference them: the closures handed to it are made in functions of
 * their own.
 */
import { diag } from '@opentelemetry/api';
import type { ChunkHandler, Invocation, RecordedCall } from '../../core';
// From their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { reportFailure, safely } from '../../core/safely';
import { tapSettlement } from '../../core/settlement';
import { StreamObserver } from '../../core/stream-observer';
import { tapResponseProps } from './response-props-tap';
import type { StainlessResultTranslation } from './result-translation';

interface APIPromiseLike {
  parseResponse: (...args: unknown[]) => unknown;
  _thenUnwrap?: (...args: unknown[]) => unknown;
  responsePromise: Promise<unknown>;
  asResponse: (...args: unknown[]) => Promise<unknown>;
  parsedPromise?: unknown;
  _responseProps?: (...args: unknown[]) => unknown;
}

interface StreamLike {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: { aborted?: boolean } };
}

function isAPIPromiseLike(value: unknown): value is APIPromiseLike {
  const v = value as Partial<APIPromiseLike> | null;
  return (
    !!v &&
    typeof v.parseResponse === 'function' &&
    typeof (v.responsePromise as Promise<unknown> | undefined)?.then === 'function' &&
    typeof v.asResponse === 'function'
  );
}

function isStreamLike(value: unknown): value is StreamLike {
  return !!value && typeof (value as Partial<StreamLike>).iterator === 'function';
}

/** Attaches the invocation to the SDK's return value and returns that same value. */
export function observeApiPromise<T>(returned: T, call: RecordedCall<StainlessResultTranslation>): T {
  if (!isAPIPromiseLike(returned)) return observeUnknownReturn(returned, call) as T;
  const apiPromise = returned;
  const observation = new ApiPromiseObservation(call);
  observeParsing(apiPromise, observation, true);

  // The response has arrived: the call now waits on the app to parse it. Observed on a promise that
  // takes the original's place, so a failure nobody awaits stays an unhandled rejection (as
  // tapSettlement does, with the observation's own methods: two closures per call instead of four).
  apiPromise.responsePromise = apiPromise.responsePromise.then(
    (response) => {
      observation.responded();
      return response;
    },
    (error: unknown) => {
      observation.failed(error);
      throw error;
    },
  );

  observeAsResponse(apiPromise, observation);
  tapResponseProps(apiPromise, call.invocation, call.results, observation);
  call.invocation.watch(apiPromise);
  return returned;
}

/**
 * What one call's APIPromise (and the children the SDK helpers make of it) reports to: one object per
 * call holding what the hooks share, so each hook is one small closure over it (for speed).
 */
class ApiPromiseObservation {
  readonly invocation: Invocation;
  /** Whether the stream is observed: its Stream's iterator wrapped, or its body tapped (`_responseProps`). */
  private streamObserved = false;

  constructor(readonly call: RecordedCall<StainlessResultTranslation>) {
    this.invocation = call.invocation;
  }

  /** Claims the stream for one observer: true for the first to ask, false after. */
  claimStream(): boolean {
    if (this.streamObserved) return false;
    this.streamObserved = true;
    return true;
  }

  /** Records the SDK's parsed result (idempotent: the invocation ends once, a stream is observed once). */
  parsed(result: unknown): void {
    const invocation = this.invocation;
    invocation.settling = false;
    const translator = this.call.results;
    if (translator.stream && isStreamLike(result)) {
      if (this.claimStream()) observeStream(result, invocation, translator.stream());
    } else {
      this.call.end(result);
    }
  }

  /** The HTTP response arrived (see Invocation.waitOnApp). */
  responded(): void {
    try {
      this.invocation.waitOnApp();
    } catch (err) {
      reportFailure('observing a call result', err);
    }
  }

  /** The request or the parsing of its response failed. */
  failed(error: unknown): void {
    try {
      this.call.fail(error);
    } catch (err) {
      reportFailure('observing a call failure', err);
    }
  }
}

/** `asResponse()`: a caller that only takes the raw body never parses; the call then ends when that response arrives. */
function observeAsResponse(apiPromise: APIPromiseLike, observation: ApiPromiseObservation): void {
  const originalAsResponse = apiPromise.asResponse;
  apiPromise.asResponse = function (this: APIPromiseLike, ...args: unknown[]) {
    const self = this;
    return tapSettlement(
      originalAsResponse.apply(self, args),
      // withResponse() parses too (and starts parsing first); only a raw-only caller ends here.
      () => {
        if (self.parsedPromise === undefined) observation.invocation.end({});
      },
      () => undefined,
    );
  };
}

/**
 * Hooks the parsing of one APIPromise: its `parseResponse` (what `.then`, `withResponse()` and, in the
 * v4-v6 layouts, `_thenUnwrap` children call), and `_thenUnwrap` itself. openai 7.x builds `_thenUnwrap`
 * as an own closure over the original parser, so children made by the SDK helpers (`responses.parse`,
 * `responses.stream`, `chat.completions.parse`/`stream`/`runTools`) never call `parseResponse`: the
 * transform they pass is where the parsed value shows up, and the child's own parser is where a parse
 * failure shows up. `observeValues`: the parsed value is recorded (before any helper transform); only at
 * the top level and from transforms, never with a child's transformed value.
 */
function observeParsing(apiPromise: APIPromiseLike, observation: ApiPromiseObservation, observeValues: boolean): void {
  const originalParse = apiPromise.parseResponse;
  apiPromise.parseResponse = function (this: unknown, ...args: unknown[]) {
    // The APIPromise may be collected while its value is being parsed: not a sign of abandonment.
    observation.invocation.settling = true;
    return Promise.resolve(originalParse.apply(this, args)).then(
      (result) => {
        if (observeValues) observation.parsed(result);
        return result;
      },
      (error: unknown) => {
        observation.failed(error);
        throw error;
      },
    );
  };

  const originalThenUnwrap = apiPromise._thenUnwrap;
  if (typeof originalThenUnwrap !== 'function') return;
  apiPromise._thenUnwrap = function (this: unknown, transform: unknown, ...rest: unknown[]) {
    if (typeof transform !== 'function') return originalThenUnwrap.call(this, transform, ...rest);
    const child = originalThenUnwrap.call(
      this,
      function (this: unknown, value: unknown, ...transformArgs: unknown[]) {
        if (observeValues) safely('reading an SDK response', () => observation.parsed(value), undefined);
        return (transform as (...a: unknown[]) => unknown).call(this, value, ...transformArgs);
      },
      ...rest,
    );
    // The child parses on its own: observe its failures (and its children's), not its transformed values.
    // The app holds the child instead of this promise: it is a handle of the call too.
    if (isAPIPromiseLike(child)) {
      observeParsing(child, observation, false);
      observation.invocation.watch(child);
    }
    return child;
  };
}

/**
 * Observes the Stream through its iterator factory, the one place every consumer path goes through:
 * `for await`, `tee()` and `toReadableStream()`. The Stream object itself (its class, controller and
 * methods) is untouched.
 */
function observeStream(stream: StreamLike, invocation: Invocation, handler: ChunkHandler): void {
  const observer = new StreamObserver(invocation, handler);
  // `controller.abort()` makes the SDK's iterator finish quietly: tell it apart from a real end.
  const aborted = () => stream.controller?.signal?.aborted === true;
  if (observer.observeIteratorFactory(stream, 'iterator', { aborted })) observer.waitOnApp(stream);
  // A Stream that cannot be observed (frozen): the call ends now with what is known.
  else observer.complete();
}

/**
 * A return value of an unknown shape (a future SDK major): record what a plain promise tells us. The
 * caller gets a promise that settles as the SDK's does (see tapSettlement), or the value itself.
 */
function observeUnknownReturn(returned: unknown, call: RecordedCall<StainlessResultTranslation>): unknown {
  diag.debug('opentelemetry-instrumentation-genai: SDK method returned an unrecognised value; recording it as a plain promise');
  if (!(returned instanceof Promise)) {
    call.invocation.end({});
    return returned;
  }
  return tapSettlement(
    returned,
    (result) => call.end(result),
    (error) => call.fail(error),
  );
}
