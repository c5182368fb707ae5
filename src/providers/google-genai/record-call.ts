/*
 * One recorded call of a `Models` method: the invocation starts with the request, the SDK call runs in
 * the invocation's context with the call's record in it (./call-record.ts), and the invocation ends with
 * the response, the failure, or the end of the stream. The caller gets the SDK's result or error unchanged.
 */
import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { Invocation, InvocationRequest } from '../../core';
import { asObject, isAsyncIterator, type Json, safely } from '../../core';
import { CallRecord, withCallRecord } from './call-record';
import { embedContentRequest, embedContentResponse } from './embeddings';
import { endpointOf } from './endpoint';
import { generateContentRequest, requestFacts } from './generate-content-request';
import { failedCallResponse, geminiErrorType, generateContentResponse } from './generate-content-response';
import { GeminiChunkHandler } from './generate-content-stream';
import type { Method } from './method-wrappers';
import { observeGenerator } from './stream-wrapper';

/** Starts the invocation of the request `build` reads; undefined when the call is not recorded. */
export type StartInvocation = (build: () => InvocationRequest) => Invocation | undefined;

/** Records one call of `method` on `models` with `params`; `invoke` makes the SDK call. */
export function recordCall(start: StartInvocation, method: Method, models: unknown, params: unknown, invoke: () => unknown): unknown {
  // Parameters that are not an object still make a call (that the SDK or the API refuses): it gets its span too.
  const body = asObject(params) ?? {};
  switch (method) {
    case 'generateContent':
      return recordGenerateContent(start, models, body, invoke);
    case 'generateContentStream':
      return recordStream(start, models, body, invoke);
    case 'embedContent':
      return recordEmbedContent(start, models, body, invoke);
  }
}

function begin(
  start: StartInvocation,
  method: Method,
  models: unknown,
  build: () => InvocationRequest,
): { invocation: Invocation; call: CallRecord; callContext: Context } | undefined {
  const invocation = start(build);
  if (!invocation) return undefined;
  const call = new CallRecord(models, method, invocation.capturesContent);
  return { invocation, call, callContext: withCallRecord(invocation.context, call) };
}

function recordGenerateContent(start: StartInvocation, models: unknown, params: Json, invoke: () => unknown): unknown {
  const facts = requestFacts(params);
  const started = begin(start, 'generateContent', models, () => generateContentRequest(params, endpointOf(models, params), false));
  if (!started) return invoke();
  const { invocation, call, callContext } = started;
  const capture = invocation.capturesContent;
  return settle(
    invocation,
    () => context.with(callContext, invoke),
    (result) => generateContentResponse(result, call, facts, capture),
    () => failedCallResponse(call, facts, capture),
  );
}

function recordEmbedContent(start: StartInvocation, models: unknown, params: Json, invoke: () => unknown): unknown {
  const started = begin(start, 'embedContent', models, () => embedContentRequest(params, endpointOf(models, params)));
  if (!started) return invoke();
  const { invocation, callContext } = started;
  return settle(
    invocation,
    () => context.with(callContext, invoke),
    (result) => embedContentResponse(params, result),
    () => ({}),
  );
}

/**
 * generateContentStream resolves to a plain async generator: the caller gets one of ours that yields the
 * same chunks, with its steps run in the call's context (./stream-wrapper.ts).
 */
async function recordStream(start: StartInvocation, models: unknown, params: Json, invoke: () => unknown): Promise<unknown> {
  const facts = requestFacts(params);
  const started = begin(start, 'generateContentStream', models, () => generateContentRequest(params, endpointOf(models, params), true));
  if (!started) return invoke();
  const { invocation, call, callContext } = started;
  let source: unknown;
  try {
    source = await context.with(callContext, invoke);
  } catch (error) {
    invocation.fail(error, safely('assembling a failed call', () => failedCallResponse(call, facts, invocation.capturesContent), {}), geminiErrorType(error));
    throw error;
  }
  if (!isAsyncIterator(source)) {
    invocation.end({});
    return source;
  }
  return observeGenerator(source, invocation, callContext, new GeminiChunkHandler(invocation.capturesContent, facts, call));
}

/** Ends the invocation when the SDK's promise settles; the caller gets the SDK's result or error unchanged. */
async function settle(
  invocation: Invocation,
  invoke: () => unknown,
  onResult: (result: unknown) => ReturnType<typeof generateContentResponse>,
  onFailure: () => ReturnType<typeof failedCallResponse>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await invoke();
  } catch (error) {
    invocation.fail(error, safely('assembling a failed call', onFailure, {}), geminiErrorType(error));
    throw error;
  }
  invocation.end(safely('reading an SDK response', () => onResult(result), {}));
  return result;
}
