/*
 * models.generateContent (and chats' sendMessage): the response the user got, or the failure, → the core
 * model. Its readings of usage, finish reasons and errors serve streamed calls (./generate-content-stream.ts) too.
 *
 * One user call may be several model requests: automatic function calling (AFC) sends the model's
 * function calls to the app's CallableTools and the results back to the model, and 2.x+ resumes cut-off
 * responses (automatic continuation). The call is one span; what the SDK added to the conversation on
 * its own (the function calls and their results) is appended to the input messages, since the model saw
 * them on its last request, and the output messages are the last response's candidates. Usage is the sum
 * over the model requests, which is what the call cost.
 */
import type { InputMessage, InvocationResponse, RequestContentUpdate, TokenUsage } from '../../core';
import type { Json } from '../../core';
import { asArray, asNumber, asObject, asString } from '../../core/readers';
import { MISSING_FINISH_REASON } from '../../core/stream-accumulator';
import type { CallRecord } from './call-record';
import type { RequestFacts } from './generate-content-request';
import { hasFunctionCall, inputMessages, outputMessage, toolDefinitions } from './messages';

/**
 * `usageMetadata` → the conventions' usage: input = prompt (which already includes the cached tokens) +
 * tool-use prompt tokens (search results and the like fed to the model, counted apart by Gemini); output =
 * candidates + thoughts (Gemini counts thinking apart); cache read = cachedContentTokenCount; reasoning =
 * thoughtsTokenCount.
 */
export function tokenUsage(v: unknown): TokenUsage | undefined {
  const u = asObject(v);
  if (!u) return undefined;
  const prompt = asNumber(u.promptTokenCount);
  const toolUse = asNumber(u.toolUsePromptTokenCount);
  const candidates = asNumber(u.candidatesTokenCount);
  const thoughts = asNumber(u.thoughtsTokenCount);
  return {
    inputTokens: prompt === undefined && toolUse === undefined ? undefined : (prompt ?? 0) + (toolUse ?? 0),
    outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadInputTokens: asNumber(u.cachedContentTokenCount),
    reasoningOutputTokens: thoughts,
  };
}

const add = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : a + b);

/** The usage of several model requests made for one call. */
export function sumUsage(usages: Array<TokenUsage | undefined>): TokenUsage | undefined {
  let total: TokenUsage | undefined;
  for (const u of usages) {
    if (!u) continue;
    total = total
      ? {
          inputTokens: add(total.inputTokens, u.inputTokens),
          outputTokens: add(total.outputTokens, u.outputTokens),
          cacheReadInputTokens: add(total.cacheReadInputTokens, u.cacheReadInputTokens),
          reasoningOutputTokens: add(total.reasoningOutputTokens, u.reasoningOutputTokens),
        }
      : { ...u };
  }
  return total;
}

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * A Gemini finish reason → the conventions' value: STOP → `stop` (`tool_call` when the candidate asks for a
 * function call: Gemini says STOP then), MAX_TOKENS → `length`, the safety, recitation, blocklist,
 * prohibited-content and SPII reasons → `content_filter`; any other reason (MALFORMED_FUNCTION_CALL,
 * LANGUAGE, OTHER, ...) is kept, lower-cased, as the conventions allow. None → `error`.
 */
export function finishReason(raw: unknown, functionCall: boolean): string {
  if (typeof raw !== 'string' || raw === '') return MISSING_FINISH_REASON;
  if (raw === 'STOP') return functionCall ? 'tool_call' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content_filter';
  return raw.toLowerCase();
}

/**
 * A response without candidates did not answer: the prompt was blocked (`BLOCKED_<reason>`), or nothing
 * came back (`NO_CANDIDATES`). The same values as OpenTelemetry's Python google-genai instrumentation.
 */
export function noCandidatesError(promptFeedback: unknown): NonNullable<InvocationResponse['error']> {
  const feedback = asObject(promptFeedback);
  const reason = asString(feedback?.blockReason);
  if (reason && reason !== 'BLOCKED_REASON_UNSPECIFIED') {
    return { type: `BLOCKED_${reason.toUpperCase()}`, message: asString(feedback?.blockReasonMessage) ?? `prompt blocked: ${reason}` };
  }
  return { type: 'NO_CANDIDATES', message: 'the response has no candidates' };
}

const SDK_ERROR_CLASSES = new Set(['ApiError', 'ClientError', 'ServerError']);

/**
 * `error.type` of a failed call. The SDK throws one class for every HTTP failure (`ApiError`; 1.x before
 * ApiError: `ClientError`/`ServerError`), so its name says little: for those the Google API's own error
 * code from the error body is used (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, ...), else the HTTP status.
 * Anything else (network errors, aborts) keeps the core's rule (class name): undefined here.
 */
export function geminiErrorType(error: unknown): string | undefined {
  try {
    const e = error as { name?: unknown; message?: unknown; status?: unknown; constructor?: { name?: unknown } } | null;
    if (!e || typeof e !== 'object') return undefined;
    const name = typeof e.constructor?.name === 'string' ? e.constructor.name : e.name;
    if (typeof name !== 'string' || !SDK_ERROR_CLASSES.has(name)) return undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    const code = /"status"\s*:\s*"([A-Z][A-Z_]*)"/.exec(message)?.[1];
    if (code) return code;
    if (typeof e.status === 'number') return String(e.status);
    return /^got status: (\d{3})\b/.exec(message)?.[1];
  } catch {
    return undefined;
  }
}

/** Tool definitions of CallableTools, as the SDK sent them. */
export function resolvedToolDefinitions(call: CallRecord | undefined, facts: RequestFacts): RequestContentUpdate['toolDefinitions'] {
  return facts.hasCallableTools && call?.resolvedTools !== undefined ? toolDefinitions(call.resolvedTools) : undefined;
}

/**
 * The request content added while a non-streamed call ran: the AFC turns (from the last model request,
 * or from the response's `automaticFunctionCallingHistory` if the requests were not seen), and the
 * declarations of CallableTools.
 */
function contentUpdate(call: CallRecord | undefined, response: Json, facts: RequestFacts): RequestContentUpdate {
  let appended: InputMessage[] | undefined;
  if (call && call.requests > 0 && call.lastContents !== undefined) {
    appended = inputMessages(call.lastContents).slice(facts.contentCount);
  } else if (Array.isArray(response.automaticFunctionCallingHistory)) {
    appended = inputMessages(response.automaticFunctionCallingHistory).slice(facts.contentCount);
  }
  return { appendInputMessages: appended, toolDefinitions: resolvedToolDefinitions(call, facts) };
}

/** A non-streamed GenerateContentResponse (the one the user got) → the core model. */
export function generateContentResponse(result: unknown, call: CallRecord | undefined, facts: RequestFacts, captureContent: boolean): InvocationResponse {
  const r = asObject(result) ?? {};
  const candidates = asArray(r.candidates);
  const finishReasons = candidates.map((c) => finishReason(asObject(c)?.finishReason, hasFunctionCall(c)));
  const usage =
    call && call.responses.length > 0 ? sumUsage(call.responses.map((x) => tokenUsage(asObject(x)?.usageMetadata))) : tokenUsage(r.usageMetadata);
  return {
    responseId: asString(r.responseId),
    responseModel: asString(r.modelVersion),
    finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
    usage,
    error: candidates.length === 0 ? noCandidatesError(r.promptFeedback) : undefined,
    outputMessages: captureContent && candidates.length > 0 ? () => candidates.map((c, i) => outputMessage(c, finishReasons[i]!)) : undefined,
    requestContentUpdate: captureContent ? () => contentUpdate(call, r, facts) : undefined,
  };
}

/** What is known of a call that failed: the usage of the model requests that did answer. */
export function failedCallResponse(call: CallRecord | undefined, facts: RequestFacts, captureContent: boolean): InvocationResponse {
  if (!call) return {};
  return {
    usage: sumUsage(call.responses.map((x) => tokenUsage(asObject(x)?.usageMetadata))),
    requestContentUpdate: captureContent ? () => contentUpdate(call, {}, facts) : undefined,
  };
}
