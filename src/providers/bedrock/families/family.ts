/*
 * One model family's native InvokeModel JSON: how to read its request body (operation, parameters,
 * content) and its response body, whole or as the decoded chunks of InvokeModelWithResponseStream.
 * Also the few shapes the text-completion families share (a prompt in, one text per choice out).
 */
import type { ChunkHandler, InvocationResponse, OutputMessage, RequestContent, RequestParameters, FinishReasonSpelling, Json } from '../../../core';
import { asString } from '../../../core/readers';
import { StreamAccumulator } from '../../../core/stream-accumulator';
import type { GenAIOperationName } from '../../../core/semconv';

/**
 * The parts of an InvokeModel call's translation (../invoke-model.ts) that depend on the model family:
 * the request body's operation, parameters and content, and the response body, whole or streamed.
 */
export interface ModelFamily {
  /** For diagnostics and tests. */
  readonly name: string;
  operation(body: Json): GenAIOperationName;
  params(body: Json): RequestParameters;
  /** Request content; absent for families whose content we do not know. */
  content?(body: Json): RequestContent;
  /** `body` is the parsed response body, `request` the parsed request body. */
  response(body: Json, captureContent: boolean, request: Json): InvocationResponse;
  /** A chunk handler of the stream's decoded chunks (each chunk's JSON). */
  stream?(body: Json, captureContent: boolean): ChunkHandler<Json>;
}

/** A text-completion prompt as the request content: one user message (none when the prompt is not a string). */
export function promptContent(prompt: unknown): RequestContent {
  return { inputMessages: typeof prompt === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: prompt }] }] : [] };
}

/** One assistant message per choice: its text (empty when not a string) and its finish reason. */
export function textOutputs(texts: unknown[], finishReasons: string[]): OutputMessage[] {
  return texts.map((text, i) => ({ role: 'assistant', parts: [{ type: 'text', content: asString(text) ?? '' }], finish_reason: finishReasons[i]! }));
}

/** What a text stream's chunk reader works on: the accumulator, and `finish` for a choice's finish reason. */
export interface TextStream {
  readonly acc: StreamAccumulator;
  /** Records a choice's finish reason (nothing when undefined): the stream then counts as finished. */
  finish(index: number, reason: string | undefined): void;
}

/**
 * A single- or multi-choice text stream on the core StreamAccumulator. A stream that ended without a
 * finish reason was cut off: every choice then gets `error`, as for an interrupted one.
 */
export function textStream(captureContent: boolean, onChunk: (chunk: Json, stream: TextStream) => void): ChunkHandler<Json> {
  let finished = false;
  const stream: TextStream = {
    acc: new StreamAccumulator(captureContent),
    finish(index, reason) {
      if (!reason) return;
      stream.acc.setFinishReason(index, reason);
      finished = true;
    },
  };
  return {
    onChunk: (chunk) => onChunk(chunk, stream),
    toResponse: (interrupted) => stream.acc.toResponse(interrupted || !finished),
  };
}

/** Titan and Cohere vary the case of their stop reasons: looked up upper-cased, unknown ones recorded lower-cased. */
export const UPPER_CASE_REASONS: FinishReasonSpelling = { key: (raw) => raw.toUpperCase(), unknown: (raw) => raw.toLowerCase() };
