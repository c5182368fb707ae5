/*
 * Assembles one streamed assistant message from indexed content blocks, the way Bedrock streams them
 * (ConverseStream, and the Nova and Cohere chat bodies of InvokeModelWithResponseStream): text, reasoning and
 * tool-use blocks, each filled by deltas and kept in block order, so a streamed answer is recorded with
 * the same parts, in the same order, as the non-streamed one. Fragments are kept only when content is
 * captured; the finish reason, usage and ids always are.
 */
import type { InvocationResponse, MessagePart, OutputMessage, TokenUsage } from '../../core';
import { parseJsonIfPossible } from '../../core/safe-json';
import { MISSING_FINISH_REASON } from '../../core/stream-accumulator';
import type { Attributes } from '@opentelemetry/api';

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'tool_call'; id?: string; name?: string; input: string };

export class BlockAccumulator {
  role = 'assistant';
  responseId?: string;
  responseModel?: string;
  usage?: TokenUsage;
  finishReason?: string;
  readonly attributes: Attributes = {};
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly captureContent: boolean) {}

  private block<K extends Block['kind']>(index: number, kind: K): Extract<Block, { kind: K }> | undefined {
    if (!this.captureContent) return undefined;
    let b = this.blocks.get(index);
    if (!b || b.kind !== kind) {
      b = kind === 'tool_call' ? { kind: 'tool_call', input: '' } : ({ kind, text: '' } as Block);
      this.blocks.set(index, b);
    }
    return b as Extract<Block, { kind: K }>;
  }

  appendText(index: number, delta: unknown): void {
    if (typeof delta === 'string') {
      const b = this.block(index, 'text');
      if (b) b.text += delta;
    }
  }

  appendReasoning(index: number, delta: unknown): void {
    if (typeof delta === 'string') {
      const b = this.block(index, 'reasoning');
      if (b) b.text += delta;
    }
  }

  startToolCall(index: number, id: unknown, name: unknown): void {
    const b = this.block(index, 'tool_call');
    if (!b) return;
    if (typeof id === 'string') b.id = id;
    if (typeof name === 'string') b.name = name;
  }

  appendToolInput(index: number, delta: unknown): void {
    if (typeof delta === 'string') {
      const b = this.block(index, 'tool_call');
      if (b) b.input += delta;
    }
  }

  /** The assembled message; a stream that ended without a finish reason was cut off (`error`). */
  toResponse(): InvocationResponse {
    const finishReason = this.finishReason ?? MISSING_FINISH_REASON;
    return {
      responseId: this.responseId,
      responseModel: this.responseModel,
      usage: this.usage,
      finishReasons: [finishReason],
      attributes: this.attributes,
      outputMessages: this.captureContent ? () => [this.outputMessage(finishReason)] : undefined,
    };
  }

  private outputMessage(finishReason: string): OutputMessage {
    const parts: MessagePart[] = [];
    for (const [, b] of [...this.blocks.entries()].sort((x, y) => x[0] - y[0])) {
      if (b.kind === 'text') {
        if (b.text !== '') parts.push({ type: 'text', content: b.text });
      } else if (b.kind === 'reasoning') {
        if (b.text !== '') parts.push({ type: 'reasoning', content: b.text });
      } else {
        const part: MessagePart = { type: 'tool_call', name: b.name ?? '' };
        if (b.id !== undefined) part.id = b.id;
        // An empty input is a call without arguments (`{}` in the non-streamed answer).
        part.arguments = b.input === '' ? {} : parseJsonIfPossible(b.input);
        parts.push(part);
      }
    }
    return { role: this.role, parts, finish_reason: finishReason };
  }
}
