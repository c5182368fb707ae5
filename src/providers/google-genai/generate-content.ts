/*
 * models.generateContent / generateContentStream (and the chats built on them): requests, responses,
 * stream chunks, usage, finish reasons and errors → the core model.
 *
 * One user call may be several model requests: automatic function calling (AFC) sends the model's
 * function calls to the app's CallableTools and the results back to the model, and 2.x+ resumes cut-off
 * responses (automatic continuation). The call is one span; what the SDK added to the conversation on
 * its own (the function calls and their results) is appended to the input messages, since the model saw
 * them on its last request, and the output messages are the last response's candidates. Usage is the sum
 * over the model requests, which is what the call cost.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InputMessage, InvocationRequest, InvocationResponse, MessagePart, OutputMessage, RequestContentUpdate, TokenUsage } from '../../core';
import { asArray, asNumber, asObject, asString, asStrings, type Json, MISSING_FINISH_REASON, requestIdentity } from '../../core';
import type { Endpoint } from './endpoint';
import { hasFunctionCall, inputMessages, isCallableTool, outputMessage, partOf, systemInstructionParts, toolDefinitions } from './messages';

// ---------------------------------------------------------------------------------------------------
// Requests

/** `gen_ai.output.type`: the requested output format (JSON mime type or schema, or the response modality). */
export function outputType(config: Json): string | undefined {
  const mime = asString(config.responseMimeType);
  if (mime === 'application/json' || config.responseSchema != null || config.responseJsonSchema != null) return 'json';
  if (mime?.startsWith('text/')) return 'text';
  const modalities = asStrings(config.responseModalities)?.map((m) => m.toUpperCase());
  if (modalities?.includes('IMAGE')) return 'image';
  if (modalities?.includes('AUDIO')) return 'speech';
  if (modalities?.includes('TEXT')) return 'text';
  return undefined;
}

/**
 * `thinkingConfig.thinkingLevel` (`LOW`, `HIGH`, ...). v1.41 has no attribute for it; the genai
 * conventions' main branch has `gen_ai.request.reasoning.level` (also used for OpenAI's reasoning effort).
 */
function reasoningLevelAttribute(thinkingConfig: unknown): Attributes {
  const level = asString(asObject(thinkingConfig)?.thinkingLevel);
  return level && level !== 'THINKING_LEVEL_UNSPECIFIED' ? { 'gen_ai.request.reasoning.level': level.toLowerCase() } : {};
}

export function generateContentRequest(params: Json, endpoint: Endpoint, stream: boolean): InvocationRequest {
  const config = asObject(params.config) ?? {};
  return {
    ...requestIdentity('generate_content', asString(params.model), endpoint),
    params: {
      maxTokens: asNumber(config.maxOutputTokens),
      temperature: asNumber(config.temperature),
      topP: asNumber(config.topP),
      topK: asNumber(config.topK),
      stopSequences: asStrings(config.stopSequences),
      frequencyPenalty: asNumber(config.frequencyPenalty),
      presencePenalty: asNumber(config.presencePenalty),
      seed: asNumber(config.seed),
      choiceCount: asNumber(config.candidateCount),
      stream,
      outputType: outputType(config),
    },
    attributes: reasoningLevelAttribute(config.thinkingConfig),
    content: () => ({
      systemInstructions: systemInstructionParts(config.systemInstruction),
      inputMessages: inputMessages(params.contents),
      toolDefinitions: toolDefinitions(config.tools),
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Usage, finish reasons, errors

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

// ---------------------------------------------------------------------------------------------------
// One user call and the model requests the SDK made for it

/**
 * What the instrumentation saw of the model requests the SDK made for one user call (its `*Internal`
 * methods, called in the call's context): the last request's contents, the tools of the first one (with
 * CallableTools resolved to their declarations), and each non-streamed response.
 */
export class CallRecord {
  requests = 0;
  lastContents: unknown;
  resolvedTools: unknown;
  readonly responses: unknown[] = [];

  constructor(
    /** The `Models` instance and public method the call went through. */
    readonly models: unknown,
    readonly method: string,
    private readonly captureContent: boolean,
  ) {}

  onRequest(params: unknown): void {
    this.requests++;
    const p = asObject(params);
    if (!this.captureContent || !p) return;
    // A copy: the SDK's AFC loop replaces and extends the contents array of later requests.
    this.lastContents = Array.isArray(p.contents) ? [...p.contents] : p.contents;
    if (this.requests === 1) this.resolvedTools = asObject(p.config)?.tools;
  }

  onResponse(response: unknown): void {
    this.responses.push(response);
  }
}

/** What the instrumentation needs of the user's request after the call (read at its start). */
export interface RequestFacts {
  /** How many contents the user sent (as the SDK normalises them): AFC turns come after them. */
  contentCount: number;
  hasCallableTools: boolean;
}

export function requestFacts(params: Json): RequestFacts {
  return {
    contentCount: inputMessageCount(params.contents),
    hasCallableTools: asArray(asObject(params.config)?.tools).some(isCallableTool),
  };
}

function inputMessageCount(contents: unknown): number {
  if (contents === undefined || contents === null) return 0;
  if (!Array.isArray(contents)) return 1;
  if (contents.length === 0) return 0;
  return Array.isArray(asObject(contents[0])?.parts) ? contents.filter((c) => Array.isArray(asObject(c)?.parts)).length : 1;
}

/** Tool definitions of CallableTools, as the SDK sent them. */
function resolvedToolDefinitions(call: CallRecord | undefined, facts: RequestFacts): RequestContentUpdate['toolDefinitions'] {
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

// ---------------------------------------------------------------------------------------------------
// Streams

interface CandidateBuffer {
  parts: MessagePart[];
  functionCall: boolean;
  finishReason?: string;
}

/**
 * A chunk the SDK itself yields during streamed AFC: role `user`, holding the results of the function
 * calls it just ran, which it sends to the model next. Not model output.
 */
export function isAfcFunctionResponses(chunk: unknown): boolean {
  return asObject(asObject(asArray(asObject(chunk)?.candidates)[0])?.content)?.role === 'user';
}

/**
 * Assembles a streamed call from its chunks: each chunk is a whole GenerateContentResponse with the
 * candidates' new parts (text arrives in pieces, function calls whole), the finish reason on the last
 * chunk of a model response, and usage (running totals within one response: the last one counts). With
 * AFC, the chunks of several model responses follow each other, separated by the SDK's function-results
 * chunk: each earlier response's output and those results become input messages, their usage adds up,
 * and the candidates start over.
 */
export class GeminiStreamAccumulator {
  private responseId?: string;
  private responseModel?: string;
  private readonly finishedUsage: Array<TokenUsage | undefined> = [];
  private currentUsage?: TokenUsage;
  private candidates = new Map<number, CandidateBuffer>();
  private readonly appended: InputMessage[] = [];
  private promptFeedback: unknown;

  constructor(
    private readonly captureContent: boolean,
    private readonly facts: RequestFacts,
    private readonly call: CallRecord | undefined,
  ) {}

  onChunk(chunk: unknown): void {
    const c = asObject(chunk);
    if (!c) return;
    if (isAfcFunctionResponses(c)) return this.nextModelResponse(asObject(asArray(c.candidates)[0])?.content);
    this.responseId = asString(c.responseId) ?? this.responseId;
    this.responseModel = asString(c.modelVersion) ?? this.responseModel;
    if (c.usageMetadata) this.currentUsage = tokenUsage(c.usageMetadata);
    if (c.promptFeedback) this.promptFeedback = c.promptFeedback;
    asArray(c.candidates).forEach((raw, position) => {
      const candidate = asObject(raw);
      if (!candidate) return;
      const buffer = this.candidate(asNumber(candidate.index) ?? position);
      for (const rawPart of asArray(asObject(candidate.content)?.parts)) {
        if (asObject(rawPart)?.functionCall !== undefined) buffer.functionCall = true;
        if (this.captureContent) appendPart(buffer.parts, rawPart);
      }
      if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') buffer.finishReason = candidate.finishReason;
    });
  }

  private candidate(index: number): CandidateBuffer {
    let buffer = this.candidates.get(index);
    if (!buffer) {
      buffer = { parts: [], functionCall: false };
      this.candidates.set(index, buffer);
    }
    return buffer;
  }

  /** AFC: the model response so far asked for function calls, which the SDK ran; another response follows. */
  private nextModelResponse(functionResults: unknown): void {
    if (this.captureContent) {
      const first = this.candidates.get(0) ?? this.candidates.values().next().value;
      if (first) this.appended.push({ role: 'assistant', parts: first.parts });
      this.appended.push(...inputMessages(functionResults));
    }
    this.finishedUsage.push(this.currentUsage);
    this.currentUsage = undefined;
    this.candidates = new Map();
  }

  /**
   * `interrupted`: the stream did not run to its end (the consumer stopped, or it failed); the one
   * expected candidate failed if none arrived. Every candidate gets a finish reason, `error` where none
   * arrived: Gemini ends every model response with one, so a candidate without it was cut off (e.g. by an
   * error event that 1.x SDKs pass on as an empty chunk, or by continuation giving up).
   */
  toResponse(interrupted: boolean): InvocationResponse {
    if (interrupted && this.candidates.size === 0) this.candidate(0);
    const buffers = [...this.candidates.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    const reasons = buffers.map((b) => (b.finishReason === undefined ? MISSING_FINISH_REASON : finishReason(b.finishReason, b.functionCall)));
    const finishReasons = reasons.length > 0 ? reasons : undefined;
    const captureContent = this.captureContent;
    const appended = this.appended;
    const call = this.call;
    const facts = this.facts;
    return {
      responseId: this.responseId,
      responseModel: this.responseModel,
      finishReasons,
      usage: sumUsage([...this.finishedUsage, this.currentUsage]),
      error: !interrupted && buffers.length === 0 ? noCandidatesError(this.promptFeedback) : undefined,
      outputMessages:
        captureContent && buffers.length > 0
          ? () => buffers.map((b, i): OutputMessage => ({ role: 'assistant', parts: b.parts, finish_reason: reasons[i]! }))
          : undefined,
      requestContentUpdate: captureContent
        ? () => ({ appendInputMessages: appended, toolDefinitions: resolvedToolDefinitions(call, facts) })
        : undefined,
    };
  }
}

/** Adds a streamed part: text and reasoning pieces join the previous part of their kind. */
function appendPart(parts: MessagePart[], raw: unknown): void {
  const part = partOf(raw);
  if (!part) return;
  if (part.type === 'text' || part.type === 'reasoning') {
    const text = (part as { content: string }).content;
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.type === part.type) {
      (last as { content: string }).content += text;
      return;
    }
  }
  parts.push(part);
}
