/*
 * The openai SDK under test, whichever major it is (4.x-7.x: `npm run test:versions` maps `openai` to
 * another copy, see jest.config.js), and the few places where the majors offer the same feature
 * through a different API. The integration tests use these so the same assertions run on every major.
 *
 * API locations and optional features are detected from the loaded SDK, not inferred from its version,
 * and test/integration/sdk-compat.test.ts checks every detection (and every flag below) against the
 * version, so a detection that goes wrong fails there instead of silently turning tests off. Behaviour
 * that cannot be detected without a request is keyed on the major (last section).
 *
 * Tests registered only when the SDK has the feature (keep this list minimal and up to date):
 *   - chat-helpers.test.ts  "clients and context > a withOptions() copy of the client is instrumented too"
 *                           (`hasWithOptions`: openai >= 5)
 *   - endpoints.test.ts     "... through real requests > an AzureOpenAI withOptions() copy is still Azure"
 *                           (`hasWithOptions`: openai >= 5)
 *   - endpoints.test.ts     "... without any request > BedrockOpenAI clients, and an app's subclass of it,
 *                           are recognised by class" (`hasBedrockOpenAI`: openai >= 6)
 *
 * Expectations that differ because the SDK itself behaves differently are branched at the assertion,
 * with the reason, on the flags at the bottom of this file:
 *   - responses.test.ts     the two `error` SSE event tests (`responsesErrorEventThrows`)
 *   - responses.test.ts     responses.stream() finalResponse().output_text (`finalResponseHasOutputText`)
 *   - chat-streaming.test.ts  iterating a consumed stream again (`consumedStreamThrowsOpenAIError`),
 *                           aborting a stream before reading it (`abortStopsArrivedBody`)
 *   - chat-helpers.test.ts  `.withResponse().response` class (`FetchResponse`)
 *   - endpoints.test.ts     AzureOpenAI withOptions() needs apiVersion again on 5.x/6.x
 *                           (`azureWithOptionsKeepsApiVersion`)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type OpenAIClient from 'openai';
import type { Stream as StreamClass } from 'openai/core/streaming';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const openaiModule = require('openai') as typeof import('openai');
const OpenAI = openaiModule.OpenAI ?? (openaiModule as unknown as typeof OpenAIClient);

/** The version of the `openai` package the tests load (read from its package.json: 4.x does not export it). */
function loadedVersion(): string {
  let dir = dirname(require.resolve('openai'));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'openai' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no openai package.json above ${require.resolve('openai')}`);
    dir = parent;
  }
}

export const OPENAI_VERSION = loadedVersion();
export const OPENAI_MAJOR = Number(OPENAI_VERSION.split('.')[0]);

// ---------------------------------------------------------------------------------------------------
// Same feature, different API

/** `require(path)`, or undefined when there is no such module (any other failure is thrown). */
function requireIfPresent(path: string): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path);
  } catch (error) {
    const code = (error as { code?: string })?.code;
    const message = String((error as Error)?.message ?? error);
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || /Could not locate module|Cannot find module/.test(message)) {
      return undefined;
    }
    throw error;
  }
}

/** Where the Stream class lives: `openai/core/streaming` from 5.x, `openai/streaming` in 4.x. */
function loadStream(): { Stream: typeof StreamClass; path: string } {
  for (const path of ['openai/core/streaming', 'openai/streaming']) {
    const mod = requireIfPresent(path);
    if (mod) return { Stream: mod.Stream, path };
  }
  throw new Error('the openai Stream class was not found (tried openai/core/streaming, openai/streaming)');
}

const stream = loadStream();
/** The SDK's Stream class (what `create({stream: true})` resolves to). */
export const Stream = stream.Stream;
export const streamModulePath = stream.path;

/**
 * openai 4.x runs on fetch shims (`openai/_shims`): on Node, node-fetch. 5.x and later use the
 * platform's fetch and have no shims.
 */
const shims = requireIfPresent('openai/_shims/index') as { kind?: string; Response?: typeof Response } | undefined;
export const fetchShimKind: string | undefined = shims?.kind;

/** The class of the fetch Response the SDK hands out (`.withResponse().response`, `.asResponse()`). */
export const FetchResponse: typeof Response = shims?.Response ?? Response;

type ChatCompletions = OpenAIClient['chat']['completions'];

/** Where the chat helpers (`parse`, `stream`, `runTools`) live: `chat.completions` from 5.x, `beta.chat.completions` in 4.x. */
export const chatHelpersLocation: 'chat.completions' | 'beta.chat.completions' =
  typeof (OpenAI.Chat?.Completions?.prototype as Partial<ChatCompletions> | undefined)?.parse === 'function'
    ? 'chat.completions'
    : 'beta.chat.completions';

/** The object holding `parse`, `stream` and `runTools` for this client (call them on it: they use `this`). */
export function chatHelpers(client: OpenAIClient): Pick<ChatCompletions, 'parse' | 'stream' | 'runTools'> {
  return chatHelpersLocation === 'chat.completions'
    ? client.chat.completions
    : (client as unknown as { beta: { chat: { completions: ChatCompletions } } }).beta.chat.completions;
}

/** The property of an APIError holding the `x-request-id` header: `requestID` from 5.x, `request_id` in 4.x. */
export const requestIdKey: 'requestID' | 'request_id' =
  'requestID' in new openaiModule.APIError(undefined, undefined, 'probe', undefined as never) ? 'requestID' : 'request_id';

export function requestIdOf(error: unknown): unknown {
  return (error as Record<string, unknown>)[requestIdKey];
}

// ---------------------------------------------------------------------------------------------------
// Features that only some majors have (tests for them are registered only where they exist)

/** `client.withOptions()` (a configured copy of a client): from 5.x. */
export const hasWithOptions = typeof (OpenAI.prototype as Partial<OpenAIClient>).withOptions === 'function';

/** The `BedrockOpenAI` client class: from 6.x. */
export const hasBedrockOpenAI = typeof (openaiModule as Partial<typeof openaiModule>).BedrockOpenAI === 'function';

/**
 * `AzureOpenAI#withOptions()` keeps the client's apiVersion: from 7.x. In 5.x/6.x the copy is built
 * without it and throws unless OPENAI_API_VERSION is set or the app passes `apiVersion` again.
 */
export const azureWithOptionsKeepsApiVersion: boolean = (() => {
  if (!hasWithOptions) return false;
  const saved = process.env.OPENAI_API_VERSION;
  delete process.env.OPENAI_API_VERSION;
  try {
    new openaiModule.AzureOpenAI({ endpoint: 'http://127.0.0.1:9', apiKey: 'k', apiVersion: '2024-10-21' }).withOptions({ timeout: 1_000 });
    return true;
  } catch {
    return false;
  } finally {
    if (saved !== undefined) process.env.OPENAI_API_VERSION = saved;
  }
})();

/** `it` when `available`, otherwise the test is not registered at all (see the list at the top). */
export function itWhen(available: boolean): jest.It {
  return available ? it : ((() => undefined) as unknown as jest.It);
}

// ---------------------------------------------------------------------------------------------------
// SDK behaviour that differs by major (no API to detect it without a request; the tests that branch
// on these assert the exact behaviour of each branch, so a change in the SDK fails them)

/**
 * An `event: error` SSE event on a responses stream: 4.x (the event is not `response.*`) and 7.x throw
 * APIError to the app; 5.x/6.x only special-case `thread.*` events and yield the event's data instead.
 */
export const responsesErrorEventThrows = OPENAI_MAJOR === 4 || OPENAI_MAJOR >= 7;

/** Iterating a consumed Stream again throws OpenAIError from 5.x; 4.x throws a plain Error. */
export const consumedStreamThrowsOpenAIError = OPENAI_MAJOR >= 5;

/**
 * `stream.controller.abort()` once the response has arrived: from 5.x (platform fetch) the body stops
 * at once and the iteration ends quietly with nothing more; 4.x on node-fetch keeps yielding the body
 * that had already arrived.
 */
export const abortStopsArrivedBody = OPENAI_MAJOR >= 5;

/** `responses.stream().finalResponse()` carries the SDK's `output_text` convenience field: from 6.x. */
export const finalResponseHasOutputText = OPENAI_MAJOR >= 6;
