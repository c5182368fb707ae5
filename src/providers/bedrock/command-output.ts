/*
 * Ends a call's invocation from the command's output or error: the translated response with the AWS
 * request id, and for a streamed output its event stream, observed in place until it ends.
 */
import type { Invocation, InvocationResponse } from '../../core';
import { asObject, asString, observeAsyncIterator, safely } from '../../core';
import type { CallState } from './middleware';
import { ATTR_AWS_REQUEST_ID, type ResultTranslator, type StreamHandler } from './operation';

function requestIdAttributes(metadata: unknown): Record<string, string> {
  const requestId = asString(asObject(metadata)?.requestId);
  return requestId ? { [ATTR_AWS_REQUEST_ID]: requestId } : {};
}

function withAttributes(response: InvocationResponse, attributes: Record<string, string>): InvocationResponse {
  return Object.keys(attributes).length === 0 ? response : { ...response, attributes: { ...response.attributes, ...attributes } };
}

/** The failure of a call: the AWS request id, when the service answered. */
export function failure(error: unknown): InvocationResponse {
  return withAttributes({}, requestIdAttributes(asObject(error)?.$metadata));
}

/** Records a command output; for a streamed one, observes its event stream (in place) until it ends. */
export function recordOutput(output: unknown, invocation: Invocation, results: ResultTranslator, state: CallState): void {
  const o = asObject(output) ?? {};
  const requestId = requestIdAttributes(o.$metadata);
  const stream = results.stream;
  if (!stream) {
    invocation.end(withAttributes(safely('reading a Bedrock response', () => results.response(o, state.headers), {}), requestId));
    return;
  }
  const handler = stream.handler();
  const partial = partialResponse(handler, requestId);
  const iterable = o[stream.property] as { [Symbol.asyncIterator]?: (...args: unknown[]) => AsyncIterator<unknown> } | undefined;
  const factory = iterable?.[Symbol.asyncIterator];
  if (!iterable || typeof factory !== 'function') {
    invocation.end(partial(false));
    return;
  }
  const observed = function (this: unknown, ...args: unknown[]) {
    const source = factory.apply(this, args);
    const iterator = observeAsyncIterator(source, {
      onChunk(event) {
        invocation.recordChunk();
        handler.onEvent(event);
      },
      onComplete: () => invocation.end(partial(false)),
      onEarlyReturn: () => invocation.end(partial(true)),
      onError: (error) => invocation.fail(error, withAttributes(partial(true), requestIdAttributes(asObject(error)?.$metadata))),
    });
    invocation.watch(iterator);
    return iterator;
  };
  try {
    Object.defineProperty(iterable, Symbol.asyncIterator, {
      value: observed,
      writable: true,
      configurable: true,
      enumerable: Object.prototype.propertyIsEnumerable.call(iterable, Symbol.asyncIterator),
    });
  } catch {
    // A frozen stream object: leave it alone; the call ends now with what is known.
    invocation.end(partial(false));
    return;
  }
  // The app may never read the stream, or drop it half-read: see Invocation.watch.
  invocation.waitOnApp(partial);
  invocation.watch(iterable);
}

/** The streamed response so far (a function of its own: it must not hold the stream). */
function partialResponse(handler: StreamHandler, requestId: Record<string, string>): (interrupted: boolean) => InvocationResponse {
  return (interrupted) =>
    withAttributes(safely('assembling a streamed Bedrock response', () => handler.toResponse(interrupted), {}), requestId);
}
