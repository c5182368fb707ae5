/*
 * One AI SDK model call (a `chat` or `embeddings` invocation) from start to end, one way for both
 * mechanisms: `ai` 7's languageModelCall / embed messages (./recorder.ts) and `ai` 5 and 6's wrapped
 * `doGenerate` / `doStream` / `doEmbed` (./observed-model.ts). A streamed call's result holds the model's
 * stream, observed part by part (./stream-tap.ts); `server.address` / `server.port` come from the request
 * URL the result or the AI SDK's APICallError reports, else from what the caller knows (the model's base URL),
 * and with them the provider of an OpenAI-compatible host whose provider id the app named.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, Invocation, ResultTranslation } from '../../core';
import { RecordedCall, asObject, asString, serverOfUrl } from '../../core';
import { requestUrl } from './model-call';
import { providerName } from './provider-name';
import { observeStreamResult } from './stream-tap';

export interface OpenModelCall {
  /** The context the model call runs in (its span's): HTTP spans nest under it. */
  readonly context: Context;
  /** Whether its span has ended (a streamed call's once its stream was read, or it was abandoned). */
  readonly isEnded: boolean;
  /** The call returned `result` (undefined: the AI SDK published none). */
  end(result: unknown, fallbackUrl?: string): void;
  fail(error: unknown, fallbackUrl?: string): void;
}

/** Starts the call's span in `parent`; undefined when nothing is recorded. */
export function openModelCall(
  instrumentation: GenAIInstrumentationBase,
  translation: CallTranslation<ResultTranslation>,
  parent: Context,
  streamed: boolean,
  providerId: string | undefined,
): OpenModelCall | undefined {
  const invocation = contextApi.with(parent, () => instrumentation.startInvocation(translation.request));
  if (!invocation) return undefined;
  const call = new RecordedCall(invocation, translation.results(invocation.capturesContent));
  return {
    context: invocation.context,
    get isEnded() {
      return invocation.isEnded;
    },
    end(result, fallbackUrl) {
      setServer(invocation, requestUrl(result) ?? fallbackUrl, providerId);
      if (result === undefined) invocation.end({});
      else if (streamed && call.results.stream) {
        if (!observeStreamResult(result, invocation, call.results.stream())) invocation.end({});
      } else call.end(result);
    },
    fail(error, fallbackUrl) {
      setServer(invocation, asString(asObject(error)?.url) ?? fallbackUrl, providerId);
      call.fail(error);
    },
  };
}

/** The server the call went to, and the provider its host names when the provider id is not one the conventions know. */
function setServer(invocation: Invocation, url: string | undefined, providerId: string | undefined): void {
  const server = url ? serverOfUrl(url) : undefined;
  if (server) invocation.setServer(server.serverAddress, server.serverPort, providerName(providerId, server.serverAddress));
}
