/*
 * The translation of one call of a `Models` method. The results read the call's record (./call-record.ts):
 * what the model requests the SDK made for the call (automatic function calling, automatic continuation)
 * add to the response.
 */
import type { CallTranslation, Json, ResultTranslation } from '../../core';
import { CallRecord } from './call-record';
import { embedContentRequest, embedContentResponse } from './embeddings';
import { endpointOf } from './endpoint';
import { generateContentRequest, requestFacts } from './generate-content-request';
import { failedCallResponse, geminiErrorType, generateContentResponse } from './generate-content-response';
import { GeminiChunkHandler } from './generate-content-stream';
import type { Method } from './method-wrappers';

/** The results of one call, read with the record of its model requests. */
export interface GoogleResultTranslation extends ResultTranslation<unknown> {
  readonly record: CallRecord;
}

/** One call of `method` on `models` with `params` (an object). */
export function translateCall(method: Method, models: unknown, params: Json): CallTranslation<GoogleResultTranslation> {
  const endpoint = endpointOf(models, params);
  if (method === 'embedContent') {
    return {
      request: embedContentRequest(params, endpoint),
      results: (captureContent) => ({
        record: new CallRecord(models, method, captureContent),
        response: (result) => embedContentResponse(params, result),
        failure: (error) => ({ errorType: geminiErrorType(error) }),
      }),
    };
  }
  const streamed = method === 'generateContentStream';
  const facts = requestFacts(params);
  return {
    request: generateContentRequest(params, endpoint, streamed),
    results(captureContent) {
      const record = new CallRecord(models, method, captureContent);
      return {
        record,
        response: (result) => generateContentResponse(result, record, facts, captureContent),
        failure: (error) => ({ response: failedCallResponse(record, facts, captureContent), errorType: geminiErrorType(error) }),
        stream: streamed ? () => new GeminiChunkHandler(captureContent, facts, record) : undefined,
      };
    },
  };
}
