/*
 * Ends a call's invocation from the command's output or error: the translated response with the AWS
 * request id, and for a streamed output its event stream, observed in place until it ends.
 */
import type { CallFailure, ChunkHandler, InvocationResponse, RecordedCall } from '../../core';
import { asObject, asString } from '../../core/readers';
import { safely } from '../../core/safely';
import { StreamObserver } from '../../core/stream-observer';
import { ATTR_AWS_REQUEST_ID } from '../../core/semconv';
import type { BedrockResultTranslation, ResponseHeaders } from './operation';

function requestIdAttributes(metadata: unknown): Record<string, string> {
  const requestId = asString(asObject(metadata)?.requestId);
  return requestId ? { [ATTR_AWS_REQUEST_ID]: requestId } : {};
}

function withAttributes(response: InvocationResponse, attributes: Record<string, string>): InvocationResponse {
  return Object.keys(attributes).length === 0 ? response : { ...response, attributes: { ...response.attributes, ...attributes } };
}

/** The failure of a call: the AWS request id, when the service answered. */
export function commandFailure(error: unknown): CallFailure {
  return { response: withAttributes({}, requestIdAttributes(asObject(error)?.$metadata)) };
}

/** Records a command output; for a streamed one, observes its event stream (in place) until it ends. */
export function recordOutput(output: unknown, call: RecordedCall<BedrockResultTranslation>, headers: ResponseHeaders): void {
  const { invocation, results } = call;
  const o = asObject(output) ?? {};
  const requestId = requestIdAttributes(o.$metadata);
  if (!results.stream || !results.streamProperty) {
    invocation.end(withAttributes(safely('reading a Bedrock response', () => results.response({ output: o, headers }), {}), requestId));
    return;
  }
  const observer = new StreamObserver(invocation, withRequestIds(results.stream(), requestId));
  const iterable = o[results.streamProperty];
  // The event stream object keeps its identity: only its iterator factory is replaced.
  if (observer.observeIteratorFactory(iterable, Symbol.asyncIterator)) {
    observer.waitOnApp(iterable as object);
  } else {
    // No event stream, or a frozen one: the call ends now with what is known.
    observer.complete();
  }
}

/** The AWS request id on every response of the stream, and on a failure the one its error carries. */
function withRequestIds(handler: ChunkHandler, requestId: Record<string, string>): ChunkHandler {
  return {
    onChunk: (event) => handler.onChunk(event),
    toResponse: (interrupted) =>
      withAttributes(safely('assembling a streamed Bedrock response', () => handler.toResponse(interrupted), {}), requestId),
    describeError: (error) => ({ attributes: requestIdAttributes(asObject(error)?.$metadata) }),
  };
}
