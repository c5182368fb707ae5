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
 */
import { diag } from '@opentelemetry/api';
import type { Invocation } from '../../core';
import { observeAsyncIterator, safely } from '../../core';
import { tapResponseProps } from './response-props-tap';
import type { ChunkHandler, ResultTranslator } from './result-translator';

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
export function observeApiPromise<T>(returned: T, invocation: Invocation, translator: ResultTranslator): T {
  if (!isAPIPromiseLike(returned)) {
    observeUnknownReturn(returned, invocation, translator);
    return returned;
  }
  const apiPromise = returned;
  /** Whether the stream is observed: its Stream's iterator wrapped, or its body tapped (`_responseProps`). */
  let streamObserved = false;
  /** Claims the stream for one observer: true for the first to ask, false after. */
  const claimStream = () => {
    if (streamObserved) return false;
    streamObserved = true;
    return true;
  };

  /** Records the SDK's parsed result (idempotent: the invocation ends once, a stream is observed once). */
  const onParsed = (result: unknown) => {
    if (translator.stream && isStreamLike(result)) {
      if (claimStream()) observeStream(result, invocation, translator.stream());
    } else {
      invocation.end(safely('reading an SDK response', () => translator.response(result), {}));
    }
  };
  observeParsing(apiPromise, onParsed, (error) => invocation.fail(error));

  apiPromise.responsePromise.then(undefined, (error: unknown) => invocation.fail(error));

  const originalAsResponse = apiPromise.asResponse;
  apiPromise.asResponse = function (this: APIPromiseLike, ...args: unknown[]) {
    const raw = originalAsResponse.apply(this, args);
    raw.then(
      () => {
        // withResponse() parses too (and starts parsing first); only a raw-only caller ends here.
        if (this.parsedPromise === undefined) invocation.end({});
      },
      () => undefined,
    );
    return raw;
  };

  tapResponseProps(apiPromise, invocation, translator, claimStream);
  return returned;
}

/**
 * Hooks the parsing of one APIPromise: its `parseResponse` (what `.then`, `withResponse()` and, in the
 * v4-v6 layouts, `_thenUnwrap` children call), and `_thenUnwrap` itself. openai 7.x builds `_thenUnwrap`
 * as an own closure over the original parser, so children made by the SDK helpers (`responses.parse`,
 * `responses.stream`, `chat.completions.parse`/`stream`/`runTools`) never call `parseResponse`: the
 * transform they pass is where the parsed value shows up, and the child's own parser is where a parse
 * failure shows up. `onParsed` gets the value before any helper transform; it is only called at the
 * top level and from transforms, never with a child's transformed value.
 */
function observeParsing(
  apiPromise: APIPromiseLike,
  onParsed: ((result: unknown) => void) | undefined,
  onError: (error: unknown) => void,
): void {
  const originalParse = apiPromise.parseResponse;
  apiPromise.parseResponse = function (this: unknown, ...args: unknown[]) {
    return Promise.resolve(originalParse.apply(this, args)).then(
      (result) => {
        if (onParsed) onParsed(result);
        return result;
      },
      (error: unknown) => {
        onError(error);
        throw error;
      },
    );
  };

  const originalThenUnwrap = apiPromise._thenUnwrap;
  if (typeof originalThenUnwrap !== 'function') return;
  const observeRaw = onParsed;
  apiPromise._thenUnwrap = function (this: unknown, transform: unknown, ...rest: unknown[]) {
    if (typeof transform !== 'function') return originalThenUnwrap.call(this, transform, ...rest);
    const child = originalThenUnwrap.call(
      this,
      function (this: unknown, value: unknown, ...transformArgs: unknown[]) {
        if (observeRaw) safely('reading an SDK response', () => observeRaw(value), undefined);
        return (transform as (...a: unknown[]) => unknown).call(this, value, ...transformArgs);
      },
      ...rest,
    );
    // The child parses on its own: observe its failures (and its children's), not its transformed values.
    if (isAPIPromiseLike(child)) observeParsing(child, undefined, onError);
    return child;
  };
}

/**
 * Wraps the Stream's iterator factory, the one place every consumer path goes through: `for await`,
 * `tee()` and `toReadableStream()`. The Stream object itself (its class, controller and methods) is
 * untouched.
 */
function observeStream(stream: StreamLike, invocation: Invocation, handler: ChunkHandler): void {
  const originalIterator = stream.iterator;
  stream.iterator = function (this: unknown, ...args: unknown[]) {
    const source = originalIterator.apply(this, args);
    const partial = (interrupted: boolean) =>
      safely('assembling a streamed response', () => handler.toResponse(interrupted), {});
    return observeAsyncIterator(source, {
      onChunk(chunk) {
        invocation.recordChunk();
        handler.onChunk(chunk);
      },
      // `controller.abort()` makes the SDK's iterator finish quietly: tell it apart from a real end.
      onComplete: () => invocation.end(partial(stream.controller?.signal?.aborted === true)),
      onEarlyReturn: () => invocation.end(partial(true)),
      onError: (error) => invocation.fail(error, partial(true)),
    });
  };
}

/** A return value of an unknown shape (a future SDK major): record what a plain promise tells us. */
function observeUnknownReturn(returned: unknown, invocation: Invocation, translator: ResultTranslator): void {
  diag.debug('opentelemetry-instrumentation-genai: SDK method returned an unrecognised value; recording it as a plain promise');
  if (returned instanceof Promise) {
    returned.then(
      (result) => invocation.end(safely('reading an SDK response', () => translator.response(result), {})),
      (error: unknown) => invocation.fail(error),
    );
  } else {
    invocation.end({});
  }
}
