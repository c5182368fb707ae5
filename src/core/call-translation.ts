/*
 * The contract between a provider and the core: how one SDK call is described. A provider turns the
 * call's arguments into a CallTranslation (the normalized request, content built lazily), and, once the
 * call's capture mode is known, into a ResultTranslation: what the SDK's result, stream or failure says.
 * GenAIInstrumentationBase.recordCall runs a translated call; what a provider family observes of the
 * returned value (a Stainless APIPromise, Bedrock's send promise, @google/genai's promise or generator)
 * ends the call through RecordedCall.
 */
import type { Invocation } from './invocation';
import type { InvocationRequest, InvocationResponse } from './model';
import { safely } from './safely';
import type { ChunkHandler } from './stream-observer';

/** One SDK call, as the core sees it. */
export interface CallTranslation<Results extends ResultTranslation = ResultTranslation> {
  /** The normalized request: set at span start. */
  readonly request: InvocationRequest;
  /** The result side, for the call's own capture mode (known once its span has started). */
  results(captureContent: boolean): Results;
}

/** What a call's outcome says, in the core model. */
export interface ResultTranslation<Result = any> {
  /** A non-streamed result, as the SDK returned it (or as the provider family assembled it). */
  response(result: Result): InvocationResponse;
  /** For streamed calls: a fresh chunk handler (see ./stream-observer.ts). */
  stream?(): ChunkHandler;
  /** What a failure tells beyond the error itself: a partial response, the provider's error type. */
  failure?(error: unknown): CallFailure;
}

export interface CallFailure {
  response?: InvocationResponse;
  errorType?: string;
}

/** A call being recorded: its invocation and its result translation. */
export class RecordedCall<Results extends ResultTranslation = ResultTranslation> {
  constructor(
    readonly invocation: Invocation,
    readonly results: Results,
  ) {}

  /** The call returned `result` (not a stream). */
  end(result: Parameters<Results['response']>[0]): void {
    const results = this.results;
    this.invocation.end(safely('reading an SDK response', () => results.response(result), {}));
  }

  /** The call failed with `error`. */
  fail(error: unknown): void {
    const results = this.results;
    const failure: CallFailure = results.failure ? safely('assembling a failed call', () => results.failure!(error), {}) : {};
    this.invocation.fail(error, failure.response, failure.errorType);
  }
}
