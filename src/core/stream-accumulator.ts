/*
 * Assembles a streamed response from chunk fragments: text, reasoning and tool-call deltas per choice
 * (tool calls keyed by their index), finish reasons per choice, ids, model and the final usage chunk.
 * Content fragments are kept only when content is captured, so a stream costs no string building
 * otherwise. A buffer that a provider's chunk handler fills (see ./stream-observer.ts), not a handler.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationResponse, MessagePart, OutputMessage, TokenUsage } from './model';
import { parseJsonIfPossible } from './safe-json';

/** The finish reason recorded for a choice whose stream ended without one (cut off, aborted, failed). */
export const MISSING_FINISH_REASON = 'error';

interface ToolCallBuffer {
  id?: string;
  name?: string;
  arguments: string;
}

interface ChoiceBuffer {
  text: string;
  reasoning: string;
  toolCalls: Map<number, ToolCallBuffer>;
  finishReason: string | undefined;
}

export class StreamAccumulator {
  responseId?: string;
  responseModel?: string;
  usage?: TokenUsage;
  readonly attributes: Attributes = {};
  private readonly choices = new Map<number, ChoiceBuffer>();
  /** The choice last looked up: a chunk touches its choice several times, and most streams have one. */
  private lastIndex = -1;
  private lastChoice: ChoiceBuffer | undefined = undefined;

  constructor(
    private readonly captureContent: boolean,
    private readonly metricAttributeKeys?: string[],
  ) {}

  private choice(index: number): ChoiceBuffer {
    if (index === this.lastIndex && this.lastChoice !== undefined) return this.lastChoice;
    let c = this.choices.get(index);
    if (!c) {
      // Every field present from the start: one shape for every choice buffer.
      c = { text: '', reasoning: '', toolCalls: new Map(), finishReason: undefined };
      this.choices.set(index, c);
    }
    this.lastIndex = index;
    this.lastChoice = c;
    return c;
  }

  /** Registers that a choice exists (so it gets a finish reason slot) even if it carries no content. */
  touch(choiceIndex: number): void {
    this.choice(choiceIndex);
  }

  appendText(choiceIndex: number, delta: string | null | undefined): void {
    if (!this.captureContent) return void this.choice(choiceIndex);
    if (typeof delta === 'string') this.choice(choiceIndex).text += delta;
  }

  appendReasoning(choiceIndex: number, delta: string | null | undefined): void {
    if (!this.captureContent) return void this.choice(choiceIndex);
    if (typeof delta === 'string') this.choice(choiceIndex).reasoning += delta;
  }

  appendToolCall(
    choiceIndex: number,
    toolIndex: number,
    fragment: { id?: string | null; name?: string | null; arguments?: string | null },
  ): void {
    const c = this.choice(choiceIndex);
    if (!this.captureContent) return;
    let call = c.toolCalls.get(toolIndex);
    if (!call) {
      call = { arguments: '' };
      c.toolCalls.set(toolIndex, call);
    }
    if (fragment.id) call.id = fragment.id;
    if (fragment.name) call.name = fragment.name;
    if (typeof fragment.arguments === 'string') call.arguments += fragment.arguments;
  }

  setFinishReason(choiceIndex: number, reason: string | null | undefined): void {
    if (typeof reason === 'string' && reason !== '') this.choice(choiceIndex).finishReason = reason;
  }

  private orderedChoices(): ChoiceBuffer[] {
    return [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  }

  /**
   * `interrupted`: the stream did not run to its end (the consumer broke out, it was aborted, or it
   * failed). Every choice then gets a finish reason, `error` where none arrived. A stream that ran to its
   * end without any finish reason (some OpenAI-compatible servers send none) reports none.
   */
  toResponse(interrupted = false): InvocationResponse {
    // Cut off before any choice arrived: the one expected choice failed.
    if (interrupted && this.choices.size === 0) this.touch(0);
    const choices = this.orderedChoices();
    const finishReasons =
      interrupted || choices.some((c) => c.finishReason !== undefined)
        ? choices.map((c) => c.finishReason ?? MISSING_FINISH_REASON)
        : undefined;
    return {
      responseId: this.responseId,
      responseModel: this.responseModel,
      usage: this.usage,
      finishReasons,
      attributes: this.attributes,
      metricAttributeKeys: this.metricAttributeKeys,
      outputMessages: this.captureContent ? () => choices.map(toOutputMessage) : undefined,
    };
  }
}

function toOutputMessage(c: ChoiceBuffer): OutputMessage {
  const parts: MessagePart[] = [];
  if (c.reasoning !== '') parts.push({ type: 'reasoning', content: c.reasoning });
  if (c.text !== '') parts.push({ type: 'text', content: c.text });
  for (const [, call] of [...c.toolCalls.entries()].sort((a, b) => a[0] - b[0])) {
    const part: MessagePart = { type: 'tool_call', name: call.name ?? '' };
    if (call.id !== undefined) part.id = call.id;
    part.arguments = parseJsonIfPossible(call.arguments);
    parts.push(part);
  }
  return { role: 'assistant', parts, finish_reason: c.finishReason ?? MISSING_FINISH_REASON };
}
