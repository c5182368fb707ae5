/*
 * models.generateContentStream (and chats' sendMessageStream): the stream's chunks → the core model, with
 * the same usage, finish reasons and AFC treatment as a non-streamed call (./generate-content-response.ts).
 */
import type { ChunkHandler, InputMessage, InvocationResponse, MessagePart, OutputMessage, StreamFailure, TokenUsage } from '../../core';
import { asArray, asNumber, asObject, asString } from '../../core/readers';
import { MISSING_FINISH_REASON } from '../../core/stream-accumulator';
import type { CallRecord } from './call-record';
import type { RequestFacts } from './generate-content-request';
import { finishReason, geminiErrorType, noCandidatesError, resolvedToolDefinitions, sumUsage, tokenUsage } from './generate-content-response';
import { inputMessages, partOf, partText, textPartType } from './messages';

interface CandidateBuffer {
  parts: MessagePart[];
  functionCall: boolean;
  finishReason?: string;
}

/**
 * A chunk the SDK itself yields during streamed AFC: role `user`, holding the results of the function
 * calls it just ran, which it sends to the model next. Not model output.
 */
function isAfcFunctionResponses(chunk: unknown): boolean {
  return asObject(asObject(asArray(asObject(chunk)?.candidates)[0])?.content)?.role === 'user';
}

/**
 * The chunk handler of a streamed call (see core's StreamObserver). It assembles the call from its chunks: each chunk is a whole GenerateContentResponse with the
 * candidates' new parts (text arrives in pieces, function calls whole), the finish reason on the last
 * chunk of a model response, and usage (running totals within one response: the last one counts). With
 * AFC, the chunks of several model responses follow each other, separated by the SDK's function-results
 * chunk: each earlier response's output and those results become input messages, their usage adds up,
 * and the candidates start over.
 */
export class GeminiChunkHandler implements ChunkHandler {
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

  /** The chunk isOutput last looked at, and whether it was the SDK's function-results chunk: onChunk asks again. */
  private lastChunk: unknown;
  private lastIsAfc = false;

  private isAfc(chunk: unknown): boolean {
    if (chunk !== this.lastChunk) {
      this.lastChunk = chunk;
      this.lastIsAfc = isAfcFunctionResponses(chunk);
    }
    return this.lastIsAfc;
  }

  /** The SDK's own function-results chunk (AFC) is not model output: no chunk timing for it. */
  isOutput(chunk: unknown): boolean {
    return !this.isAfc(chunk);
  }

  describeError(error: unknown): StreamFailure {
    return { errorType: geminiErrorType(error) };
  }

  onChunk(chunk: unknown): void {
    const c = asObject(chunk);
    if (!c) return;
    const afc = this.isAfc(chunk);
    this.lastChunk = undefined; // the handler keeps no chunk
    if (afc) return this.nextModelResponse(asObject(asArray(c.candidates)[0])?.content);
    this.responseId = asString(c.responseId) ?? this.responseId;
    this.responseModel = asString(c.modelVersion) ?? this.responseModel;
    if (c.usageMetadata) this.currentUsage = tokenUsage(c.usageMetadata);
    if (c.promptFeedback) this.promptFeedback = c.promptFeedback;
    const candidates = asArray(c.candidates);
    for (let position = 0; position < candidates.length; position++) {
      const candidate = asObject(candidates[position]);
      if (!candidate) continue;
      const buffer = this.candidate(asNumber(candidate.index) ?? position);
      for (const rawPart of asArray(asObject(candidate.content)?.parts)) {
        if (asObject(rawPart)?.functionCall !== undefined) buffer.functionCall = true;
        if (this.captureContent) appendPart(buffer.parts, rawPart);
      }
      if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') buffer.finishReason = candidate.finishReason;
    }
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
    const buffers =
      this.candidates.size === 1 ? [...this.candidates.values()] : [...this.candidates.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
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
      // Without AFC there is one model response, whose usage is the last one it reported.
      usage: this.finishedUsage.length === 0 ? this.currentUsage : sumUsage([...this.finishedUsage, this.currentUsage]),
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

/**
 * Adds a streamed part: text and reasoning pieces join the previous part of their kind (read straight
 * from the raw part: nearly every chunk is one, and needs no part object of its own).
 */
function appendPart(parts: MessagePart[], raw: unknown): void {
  const text = partText(raw);
  if (text === undefined) {
    const part = partOf(raw);
    if (part) parts.push(part);
    return;
  }
  if (text === '') return;
  const type = textPartType(raw);
  const last = parts[parts.length - 1];
  if (last && last.type === type) (last as { content: string }).content += text;
  else parts.push({ type, content: text });
}
