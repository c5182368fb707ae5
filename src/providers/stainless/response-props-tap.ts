/*
 * Some SDK helpers take the raw response of the APIPromise (`_responseProps()`, @anthropic-ai/sdk 1.x
 * message threads, which the 1.x tool runner uses) and parse a streamed body with a new APIPromise of
 * their own. For translators that can decode the SSE events themselves (`sseEvent`), the body is then
 * observed on its way to that parser: the same bytes, read as the SDK reads them.
 */
import type { Invocation } from '../../core';
// From their own modules, not the core index: its `export *` re-exports are getters in CommonJS.
import { safely } from '../../core/safely';
import { tapSettlement } from '../../core/settlement';
import { StreamObserver } from '../../core/stream-observer';
import type { StainlessResultTranslation } from './result-translation';
import { SseDecoder } from './sse';

/** What `_responseProps()` resolves to: the fetch Response and the request's options and controller. */
interface ResponsePropsLike {
  response: { body?: unknown };
  options?: { stream?: unknown };
  controller?: { signal?: { aborted?: boolean } };
}

/**
 * Hooks `_responseProps()` of one APIPromise, for a translator that decodes SSE events itself: a streamed
 * body it hands out is tapped, unless `streams.claimStream()` says the stream is observed already.
 */
export function tapResponseProps(
  apiPromise: { _responseProps?: (...args: unknown[]) => unknown },
  invocation: Invocation,
  translator: StainlessResultTranslation,
  streams: { claimStream(): boolean },
): void {
  const originalResponseProps = apiPromise._responseProps;
  const { stream: newHandler, sseEvent } = translator;
  if (typeof originalResponseProps !== 'function' || !newHandler || !sseEvent) return;
  apiPromise._responseProps = function (this: unknown, ...args: unknown[]) {
    const props = originalResponseProps.apply(this, args);
    if (!(props instanceof Promise)) return props;
    // The caller gets a promise that resolves after the body is tapped, so it is tapped before it is read.
    return tapSettlement(
      props,
      (p) => {
        if (!isStreamingProps(p) || !streams.claimStream()) return;
        const observing = safely(
          'observing a streamed body',
          () => {
            observeSseBody(p, new StreamObserver(invocation, newHandler.call(translator)), sseEvent.bind(translator));
            return true;
          },
          false,
        );
        // The body could not be observed (and is left as it was): record the call as far as it is known.
        if (!observing) invocation.end({});
      },
      () => undefined,
    );
  };
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
  stream: StreamObserver,
  sseEvent: NonNullable<StainlessResultTranslation['sseEvent']>,
): void {
  const response = props.response;
  const source = response.body as ReadableStream<Uint8Array> | null | undefined;
  const aborted = () => props.controller?.signal?.aborted === true;
  if (!source || typeof source.getReader !== 'function') {
    stream.stop();
    return;
  }
  const decoder = new SseDecoder();
  const onEvents = (events: ReturnType<SseDecoder['push']>) => {
    for (const { event, data } of events) {
      if (stream.ended) return;
      const decoded = safely('reading a stream event', () => sseEvent(event, data, response), undefined);
      if (!decoded) continue;
      if ('error' in decoded) {
        stream.fail(decoded.error);
        return;
      }
      stream.chunk(decoded.chunk);
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
          if (aborted()) stream.stop();
          else stream.fail(error);
          controller.error(error);
          return;
        }
        if (result.done) {
          onEvents(decoder.end());
          stream.complete(aborted());
          controller.close();
          return;
        }
        onEvents(decoder.push(result.value));
        controller.enqueue(result.value);
      },
      cancel(reason) {
        stream.stop();
        return reader ? reader.cancel(reason) : source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  Object.defineProperty(response, 'body', { value: tapped, configurable: true, enumerable: true, writable: true });
  // A body nobody reads to its end is ended by the idle limit or at shutdown, with what it carried so far.
  stream.waitOnApp();
  // Aborted before (or without) the body being read: nothing else would end the call.
  const signal = props.controller?.signal as { addEventListener?: (type: string, fn: () => void, opts?: object) => void } | undefined;
  signal?.addEventListener?.('abort', () => stream.stop(), { once: true });
}
