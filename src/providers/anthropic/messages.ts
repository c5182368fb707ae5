/*
 * messages.create / beta.messages.create: the Messages body is read by the shared translation
 * (../anthropic-shaped); what is the SDK's own is here: its endpoint and the errors of its SSE streams.
 */
import type { InvocationRequest } from '../../core';
import { asObject, asString, type Json, parseJsonIfPossible, requestIdentity } from '../../core';
import { MessageChunkHandler, messagesContent, messagesParams, messagesResponse } from '../anthropic-shaped/messages';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { AnthropicEndpoint } from './endpoint';

type APIErrorClass = new (...args: unknown[]) => unknown;

/** One create call; `APIError`: the SDK's error class, to rebuild the error of an SSE `error` event. */
export function messagesCall(body: Json, endpoint: AnthropicEndpoint, APIError?: APIErrorClass): StainlessCallTranslation {
  return { request: messagesRequest(body, endpoint), results: (captureContent) => messagesResults(captureContent, APIError) };
}

/** The request of one create call, in the core model (content built lazily, only when captured). */
export function messagesRequest(body: Json, endpoint: AnthropicEndpoint): InvocationRequest {
  return {
    ...requestIdentity('chat', asString(body.model), endpoint),
    params: messagesParams(body),
    content: () => messagesContent(body),
  };
}

/** The results of one create call: a `Message`, or the events of a stream. */
export function messagesResults(captureContent: boolean, APIError?: APIErrorClass): StainlessResultTranslation {
  return {
    response: (result) => messagesResponse(result, captureContent),
    stream: () => new MessageChunkHandler(captureContent),
    // A streamed body parsed by an SDK helper itself (1.x threads): each event as the SDK's Stream treats it.
    sseEvent(event, data, response) {
      if (event === null || event === 'ping') return undefined;
      if (event === 'error') return { error: streamError(data, response, APIError) };
      if (!data) return undefined;
      try {
        return { chunk: JSON.parse(data) as unknown };
      } catch (error) {
        return { error };
      }
    },
  };
}

/** The error the SDK throws for an SSE `error` event: its APIError, built as its Stream builds it. */
function streamError(data: string, response: unknown, APIError?: APIErrorClass): unknown {
  const body = parseJsonIfPossible(data);
  const headers = asObject(response)?.headers;
  if (APIError) {
    try {
      // 1.17+ also take the error type and the request (its path shows in the message); earlier versions ignore them.
      const url = asString(asObject(response)?.url);
      const type = asString(asObject(asObject(body)?.error)?.type);
      return new APIError(undefined, body, undefined, headers, type, url ? { request: { method: 'POST', url } } : undefined);
    } catch {
      // fall through
    }
  }
  return new Error(asString(asObject(asObject(body)?.error)?.message) ?? data);
}
