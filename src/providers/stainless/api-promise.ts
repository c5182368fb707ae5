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
 * Some SDK helpers take the raw response of the APIPromise (`_responseProps()`, @anthropic-ai/sdk 1.x
 * message threads, which the 1.x tool runner uses) and parse a streamed body with a new APIPromise of
 * their own. For translators that can decode the SSE events themselves (`sseEvent`), the body is then
 * observed on its way to that parser: the same bytes, read as the SDK reads them.
 */
import { diag } from '@opentelemetry/api';
import type { Invocation, InvocationResponse } from '../../core';
import { observeAsyncIterator, safely } from '../../core';
import { SseDecoder } from './sse';

/** Turns what the SDK returned into the core model. */
export interface ResultTranslator {
  /** A parsed non-streamed result. */
  response(result: unknown): InvocationResponse;
  /** For streamed calls: a fresh chunk handler. */
  stream?(): ChunkHandler;
  /**
   * For streamed bodies that an SDK helper parses itself (see the file header): one server-sent event of
   * the body, as the SDK's own stream would see it → the chunk it yields, the error it throws, or
   * undefined for an event it skips. `response` is the fetch Response the body belongs to.
   */
  sseEvent?(event: string | null, data: string, response: unknown): { chunk: unknown } | { error: unknown } | undefined;
}

export interface ChunkHandler {
  onChunk(chunk: unknown): void;
  /** The response assembled so far; `interrupted` when the stream did not run to its end. */
  toResponse(interrupted: boolean): InvocationResponse;
}

interface APIPromiseLike {
  parseResponse: (...args: unknown[]) => unknown;
  _thenUnwrap?: (...args: unknown[]) => unknown;
  responsePromise: Promise<unknown>;
  asResponse: (...args: unknown[]) => Promise<unknown>;
  parsedPromise?: unknown;
  _responseProps?: (...args: unknown[]) => unknown;
}

/** What `_responseProps()` resolves to: the fetch Response and the request's options and controller. */
interface ResponsePropsLike {
  response: { body?: unknown };
  options?: { stream?: unknown };
  controller?: { signal?: { aborted?: boolean } };
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

  /** Records the SDK's parsed result (idempotent: the invocation ends once, a stream is observed once). */
  const onParsed = (result: unknown) => {
    if (translator.stream && isStreamLike(result)) {
      if (!streamObserved) {
        streamObserved = true;
        observeStream(result, invocation, translator.stream());
      }
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

  const originalResponseProps = apiPromise._responseProps;
  const { stream: newHandler, sseEvent } = translator;
  if (typeof originalResponseProps === 'function' && newHandler && sseEvent) {
    apiPromise._responseProps = function (this: unknown, ...args: unknown[]) {
      const props = originalResponseProps.apply(this, args);
      // Registered before the caller's own reaction to the same promise, so the body is tapped before it is read.
      Promise.resolve(props).then(
        (p) => {
          if (streamObserved || !isStreamingProps(p)) return;
          streamObserved = true;
          const observing = safely(
            'observing a streamed body',
            () => {
              observeSseBody(p, invocation, newHandler.call(translator), sseEvent.bind(translator));
              return true;
            },
            false,
          );
          // The body could not be observed (and is left as it was): record the call as far as it is known.
          if (!observing) invocation.end({});
        },
        () => undefined,
      );
      return props;
    };
  }
  return returned;
}

function isStreamingProps(value: unknown): value is ResponsePropsLike {
  const p = value as Partial<ResponsePropsLike> | null;
  return !!p && p.options?.stream === true && !!p.response && typeof p.response === 'object';
}

/**
 * Replaces the Response's body with a pass-through of it that decodes the server-sent events on the way
 * (see the file header). Whoever reads the body gets the same bytes, errors and cancellation; the call
 * ends when the body ends, fails, is cancelled, or its request is aborted.
 */
function observeSseBody(
  props: ResponsePropsLike,
  invocation: Invocation,
  handler: ChunkHandler,
  sseEvent: NonNullable<ResultTranslator['sseEvent']>,
): void {
  const response = props.response;
  const source = response.body as ReadableStream<Uint8Array> | null | undefined;
  const aborted = () => props.controller?.signal?.aborted === true;
  const partial = (interrupted: boolean) =>
    safely('assembling a streamed response', () => handler.toResponse(interrupted), {});
  if (!source || typeof source.getReader !== 'function') {
    invocation.end(partial(true));
    return;
  }
  const decoder = new SseDecoder();
  const onEvents = (events: ReturnType<SseDecoder['push']>) => {
    for (const { event, data } of events) {
      if (invocation.isEnded) return;
      const decoded = safely('reading a stream event', () => sseEvent(event, data, response), undefined);
      if (!decoded) continue;
      if ('error' in decoded) {
        invocation.fail(decoded.error, partial(true));
        return;
      }
      invocation.recordChunk();
      safely('reading a stream chunk', () => handler.onChunk(decoded.chunk), undefined);
    }
  };
  // The original body is locked only once the tap is in place and read (if replacing it fails, it stays usable).
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const tapped = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          reader ??= source.getReader();
          result = await reader.read();
        } catch (error) {
          // An abort (the app's, or the SDK closing the stream early) is not a failure of the call.
          if (aborted()) invocation.end(partial(true));
          else invocation.fail(error, partial(true));
          controller.error(error);
          return;
        }
        if (result.done) {
          onEvents(decoder.end());
          invocation.end(partial(aborted()));
          controller.close();
          return;
        }
        onEvents(decoder.push(result.value));
        controller.enqueue(result.value);
      },
      cancel(reason) {
        invocation.end(partial(true));
        return reader ? reader.cancel(reason) : source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  Object.defineProperty(response, 'body', { value: tapped, configurable: true, enumerable: true, writable: true });
  // Aborted before (or without) the body being read: nothing else would end the call.
  const signal = props.controller?.signal as { addEventListener?: (type: string, fn: () => void, opts?: object) => void } | undefined;
  signal?.addEventListener?.('abort', () => invocation.end(partial(true)), { once: true });
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
