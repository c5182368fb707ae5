/*
 * The capability detection in test/helpers/sdk-compat.ts, checked against the version of the openai SDK
 * under test. Some integration tests are only registered when the SDK has the feature they exercise:
 * if a detection went wrong (a feature "missing" from a major that has it), those tests would silently
 * disappear. This test makes that a failure instead.
 */
import OpenAI from 'openai';
import * as sdk from '../helpers/sdk-compat';

describe('openai SDK capability detection', () => {
  it(`matches what openai@${sdk.OPENAI_VERSION} is known to offer`, () => {
    const major = sdk.OPENAI_MAJOR;
    expect([4, 5, 6, 7]).toContain(major);
    // The version is the loaded SDK's own (and, under `npm run test:versions`, the one asked for).
    expect(require('openai/version').VERSION).toBe(sdk.OPENAI_VERSION);
    if (process.env.OPENAI_EXPECTED_VERSION) expect(sdk.OPENAI_VERSION).toBe(process.env.OPENAI_EXPECTED_VERSION);

    expect({
      streamModulePath: sdk.streamModulePath,
      chatHelpersLocation: sdk.chatHelpersLocation,
      requestIdKey: sdk.requestIdKey,
      hasWithOptions: sdk.hasWithOptions,
      hasBedrockOpenAI: sdk.hasBedrockOpenAI,
      azureWithOptionsKeepsApiVersion: sdk.azureWithOptionsKeepsApiVersion,
      responsesErrorEventThrows: sdk.responsesErrorEventThrows,
      finalResponseHasOutputText: sdk.finalResponseHasOutputText,
      consumedStreamThrowsOpenAIError: sdk.consumedStreamThrowsOpenAIError,
      abortStopsArrivedBody: sdk.abortStopsArrivedBody,
      // 4.x must run on the shims a Node app gets (node-fetch), not the web ones (see jest.config.js).
      fetchShimKind: sdk.fetchShimKind,
      fetchResponseIsPlatformResponse: sdk.FetchResponse === Response,
    }).toEqual({
      streamModulePath: major >= 5 ? 'openai/core/streaming' : 'openai/streaming',
      chatHelpersLocation: major >= 5 ? 'chat.completions' : 'beta.chat.completions',
      requestIdKey: major >= 5 ? 'requestID' : 'request_id',
      hasWithOptions: major >= 5,
      hasBedrockOpenAI: major >= 6,
      azureWithOptionsKeepsApiVersion: major >= 7,
      responsesErrorEventThrows: major === 4 || major >= 7,
      finalResponseHasOutputText: major >= 6,
      consumedStreamThrowsOpenAIError: major >= 5,
      abortStopsArrivedBody: major >= 5,
      fetchShimKind: major === 4 ? 'node' : undefined,
      fetchResponseIsPlatformResponse: major >= 5,
    });

    // The helpers hand out working SDK objects.
    expect(typeof sdk.Stream).toBe('function');
    expect(typeof sdk.Stream.fromSSEResponse).toBe('function');
    const helpers = sdk.chatHelpers(new OpenAI({ apiKey: 'k' }));
    expect([typeof helpers.parse, typeof helpers.stream, typeof helpers.runTools]).toEqual(['function', 'function', 'function']);
  });
});
