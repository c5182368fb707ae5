/*
 * One model family's native InvokeModel JSON: how to read its request body (operation, parameters,
 * content) and its response body, whole or as the decoded chunks of InvokeModelWithResponseStream.
 */
import type { InvocationResponse, RequestContent, RequestParameters, StreamAccumulator } from '../../../core';
import type { GenAIOperationName } from '../../../core/semconv';
import type { Json } from '../json';

export interface FamilyStream {
  /** One chunk's decoded JSON. */
  onChunk(chunk: Json): void;
  toResponse(interrupted: boolean): InvocationResponse;
}

export interface ModelFamily {
  /** For diagnostics and tests. */
  readonly name: string;
  operation(body: Json): GenAIOperationName;
  params(body: Json): RequestParameters;
  /** Request content; absent for families whose content we do not know. */
  content?(body: Json): RequestContent;
  /** `body` is the parsed response body, `request` the parsed request body. */
  response(body: Json, captureContent: boolean, request: Json): InvocationResponse;
  stream?(body: Json, captureContent: boolean): FamilyStream;
}

/**
 * A single- or multi-choice text stream on the core StreamAccumulator. A stream that ended without a
 * finish reason was cut off: every choice then gets `error`, as for an interrupted one.
 */
export function textStream(acc: StreamAccumulator, onChunk: (chunk: Json, finished: () => void) => void): FamilyStream {
  let finished = false;
  const markFinished = () => {
    finished = true;
  };
  return {
    onChunk: (chunk) => onChunk(chunk, markFinished),
    toResponse: (interrupted) => acc.toResponse(interrupted || !finished),
  };
}
