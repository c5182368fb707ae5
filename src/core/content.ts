/*
 * Turns captured content into attribute values. Each piece (system instructions, input messages, tool
 * definitions, output messages) is redacted, then fitted to the byte budget, which yields valid JSON in
 * the conventions' shape: span attributes get that JSON string, the details event the same data as
 * structured values. Only called when content capture is on.
 */
import type { AnyValue } from '@opentelemetry/api-logs';
import type { Attributes } from '@opentelemetry/api';
import type { ContentSafeguards } from './content-safeguards';
import type { OutputMessage, RequestContent } from './model';
import type { RedactionField } from './redaction';
import * as sc from './semconv';
import { cutStringToJsonBytes, truncateInputMessages, truncateJsonValue, truncateOutputMessages, truncateParts } from './truncation';
import type { TruncationOutcome } from './truncation';

export interface PreparedContent {
  /** Content attributes as JSON strings, for the span. */
  readonly json: Record<string, string>;
  /** The same content as structured values, for the details event. */
  readonly structured: Record<string, AnyValue>;
  /** What was done to it: redaction count, dropped/truncated flags, original message count. */
  readonly meta: Attributes;
}

/** How a piece is fitted to the budget: which truncation, hence which field of its outcome is the result. */
type PieceKind = 'parts' | 'input' | 'output' | 'json';

/**
 * One call's content as it is prepared, piece by piece. Each piece goes straight into the three outputs:
 * no list of pieces and no copy of each truncation outcome (for speed: once per call with content on).
 */
class ContentPreparation {
  readonly json: Record<string, string> = {};
  readonly structured: Record<string, AnyValue> = {};
  private redactions = 0;
  private dropped = false;
  private truncated = false;
  private originalInputCount: number | undefined;
  private readonly options: { captureInlineBinary: boolean };

  constructor(private readonly safeguards: ContentSafeguards) {
    this.options = { captureInlineBinary: safeguards.truncation.captureInlineBinary };
  }

  add(attribute: string, field: RedactionField, kind: PieceKind, original: unknown): void {
    let value = original;
    const redactor = this.safeguards.redactor;
    if (redactor.active) {
      const redacted = redactor.redactContent(value, { field });
      this.redactions += redacted.count;
      // The app's hook failed on this piece: leave it out, keep the rest of the telemetry.
      if (redacted.dropped) {
        this.dropped = true;
        return;
      }
      value = redacted.value;
    }
    const budget = this.safeguards.truncation.maxContentBytes;
    let outcome: TruncationOutcome;
    let result: unknown;
    switch (kind) {
      case 'parts': {
        const r = truncateParts(value as never, budget, this.options);
        outcome = r;
        result = r.parts;
        break;
      }
      case 'input': {
        const r = truncateInputMessages(value as never, budget, this.options);
        outcome = r;
        result = r.messages;
        break;
      }
      case 'output': {
        const r = truncateOutputMessages(value as never, budget, this.options);
        outcome = r;
        result = r.messages;
        break;
      }
      case 'json': {
        const r = truncateJsonValue(value, budget, this.options);
        outcome = r;
        result = r.value;
        break;
      }
    }
    this.json[attribute] = outcome.json;
    this.structured[attribute] = result as AnyValue;
    if (outcome.truncated) this.truncated = true;
    if (kind === 'input' && outcome.droppedCount > 0) this.originalInputCount = outcome.originalCount;
  }

  meta(): Attributes {
    const meta: Attributes = {};
    if (this.originalInputCount !== undefined) meta[sc.ATTR_GENAI_APP_INPUT_MESSAGES_ORIGINAL_COUNT] = this.originalInputCount;
    if (this.redactions > 0) meta[sc.ATTR_GENAI_APP_CONTENT_REDACTIONS] = this.redactions;
    if (this.dropped) meta[sc.ATTR_GENAI_APP_CONTENT_DROPPED] = true;
    if (this.truncated) meta[sc.ATTR_GENAI_APP_CONTENT_TRUNCATED] = true;
    return meta;
  }
}

export function prepareContent(
  request: RequestContent | undefined,
  output: OutputMessage[] | undefined,
  safeguards: ContentSafeguards,
): PreparedContent {
  const prepared = new ContentPreparation(safeguards);
  if (request?.systemInstructions && request.systemInstructions.length > 0) {
    prepared.add(sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, 'system_instructions', 'parts', request.systemInstructions);
  }
  if (request?.inputMessages) prepared.add(sc.ATTR_GEN_AI_INPUT_MESSAGES, 'input.messages', 'input', request.inputMessages);
  if (request?.toolDefinitions && request.toolDefinitions.length > 0) {
    prepared.add(sc.ATTR_GEN_AI_TOOL_DEFINITIONS, 'tool.definitions', 'json', request.toolDefinitions);
  }
  if (output) prepared.add(sc.ATTR_GEN_AI_OUTPUT_MESSAGES, 'output.messages', 'output', output);
  return { json: prepared.json, structured: prepared.structured, meta: prepared.meta() };
}

/** Content of a stage span (tool arguments and result, retrieval query and documents), by attribute. */
export type StageContent = Record<string, unknown>;

const STAGE_FIELDS: Readonly<Record<string, RedactionField>> = {
  [sc.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: 'tool.call.arguments',
  [sc.ATTR_GEN_AI_TOOL_CALL_RESULT]: 'tool.call.result',
  [sc.ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT]: 'retrieval.query',
  [sc.ATTR_GEN_AI_RETRIEVAL_DOCUMENTS]: 'retrieval.documents',
};

/**
 * The same safeguards for stage-span content: each value is redacted, then a string stays a string (cut to
 * the budget with a marker) and anything else becomes JSON that fits the budget.
 */
export function prepareStageContent(content: StageContent, safeguards: ContentSafeguards): Attributes {
  const attrs: Attributes = {};
  const { redactor, truncation } = safeguards;
  let redactions = 0;
  for (const [attribute, original] of Object.entries(content)) {
    let value = original;
    if (redactor.active) {
      const redacted = redactor.redactContent(value, { field: STAGE_FIELDS[attribute] ?? 'tool.call.result' });
      redactions += redacted.count;
      if (redacted.dropped) {
        attrs[sc.ATTR_GENAI_APP_CONTENT_DROPPED] = true;
        continue;
      }
      value = redacted.value;
    }
    if (typeof value === 'string') {
      const cut = cutStringToJsonBytes(value, truncation.maxContentBytes);
      if (cut !== value) attrs[sc.ATTR_GENAI_APP_CONTENT_TRUNCATED] = true;
      attrs[attribute] = cut;
    } else {
      const fitted = truncateJsonValue(value, truncation.maxContentBytes, { captureInlineBinary: truncation.captureInlineBinary });
      if (fitted.truncated) attrs[sc.ATTR_GENAI_APP_CONTENT_TRUNCATED] = true;
      attrs[attribute] = fitted.json;
    }
  }
  if (redactions > 0) attrs[sc.ATTR_GENAI_APP_CONTENT_REDACTIONS] = redactions;
  return attrs;
}
