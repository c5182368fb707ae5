/*
 * One recorded call of a `Models` method: the SDK call runs in the invocation's context with the call's
 * record in it (./call-record.ts), and the invocation ends with the response, the failure, or the end of
 * the stream. The caller gets the SDK's result or error unchanged.
 */
import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { GenAIInstrumentationBase, RecordedCall } from '../../core';
import { isAsyncIterator } from '../../core/genai-context/bind';
import { asObject } from '../../core/readers';
import { withCallRecord } from './call-record';
import { type GoogleResultTranslation, translateCall } from './call-translation';
import type { Method } from './method-wrappers';
import { observeGenerator } from './stream-wrapper';

type GoogleCall = RecordedCall<GoogleResultTranslation>;

/** Records one call of `method` on `models` with `params`; `invoke` makes the SDK call. */
export function recordCall(instrumentation: GenAIInstrumentationBase, method: Method, models: unknown, params: unknown, invoke: () => unknown): unknown {
  // Parameters that are not an object still make a call (that the SDK or the API refuses): it gets its span too.
  const body = asObject(params) ?? {};
  // Made once per call: the SDK call and each step of its stream run in it.
  let sdkContext: Context | undefined;
  return instrumentation.recordCall(
    () => translateCall(method, models, body),
    (call) => {
      if (!call) return invoke();
      sdkContext = callContext(call);
      return context.with(sdkContext, asPromise, undefined, invoke);
    },
    (returned, call) => (method === 'generateContentStream' ? observeStream(returned, call, sdkContext ?? callContext(call)) : settle(returned, call)),
  );
}

/** The context the call's SDK code runs in: the invocation's, with the call's record in it. */
function callContext(call: GoogleCall): Context {
  return withCallRecord(call.invocation.context, call.results.record);
}

/** The SDK's methods are async: what they throw, a caller of a recorded call gets as a rejection. */
function asPromise(invoke: () => unknown): unknown {
  try {
    return invoke();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** What the SDK's promise resolves to; a rejection fails the call and reaches the caller unchanged. */
async function settled(returned: unknown, call: GoogleCall): Promise<unknown> {
  try {
    return await returned;
  } catch (error) {
    call.fail(error);
    throw error;
  }
}

/** Ends the invocation when the SDK's promise settles; the caller gets the SDK's result or error unchanged. */
async function settle(returned: unknown, call: GoogleCall): Promise<unknown> {
  const result = await settled(returned, call);
  call.end(result);
  return result;
}

/**
 * generateContentStream resolves to a plain async generator: the caller gets one of ours that yields the
 * same chunks, with its steps run in the call's context (./stream-wrapper.ts). A rejection fails the call
 * and reaches the caller unchanged.
 */
function observeStream(returned: unknown, call: GoogleCall, sdkContext: Context): Promise<unknown> {
  return Promise.resolve(returned).then(
    (source) => {
      if (!isAsyncIterator(source) || !call.results.stream) {
        call.invocation.end({});
        return source;
      }
      return observeGenerator(source, call.invocation, sdkContext, call.results.stream());
    },
    (error: unknown) => {
      call.fail(error);
      throw error;
    },
  );
}
