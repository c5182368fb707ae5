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

type Fitted = TruncationOutcome & { result: unknown };

interface Piece {
  attribute: string;
  field: RedactionField;
  value: unknown;
  fit: (value: never, budget: number, captureInlineBinary: boolean) => Fitted;
}

const fitParts = (v: never, b: number, k: boolean): Fitted => {
  const r = truncateParts(v, b, { captureInlineBinary: k });
  return { ...r, result: r.parts };
};
const fitInput = (v: never, b: number, k: boolean): Fitted => {
  const r = truncateInputMessages(v, b, { captureInlineBinary: k });
  return { ...r, result: r.messages };
};
const fitOutput = (v: never, b: number, k: boolean): Fitted => {
  const r = truncateOutputMessages(v, b, { captureInlineBinary: k });
  return { ...r, result: r.messages };
};
const fitJson = (v: never, b: number, k: boolean): Fitted => {
  const r = truncateJsonValue(v, b, { captureInlineBinary: k });
  return { ...r, result: r.value };
};

function piecesOf(request: RequestContent | undefined, output: OutputMessage[] | undefined): Piece[] {
  const pieces: Piece[] = [];
  if (request?.systemInstructions && request.systemInstructions.length > 0) {
    pieces.push({ attribute: sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, field: 'system_instructions', value: request.systemInstructions, fit: fitParts });
  }
  if (request?.inputMessages) {
    pieces.push({ attribute: sc.ATTR_GEN_AI_INPUT_MESSAGES, field: 'input.messages', value: request.inputMessages, fit: fitInput });
  }
  if (request?.toolDefinitions && request.toolDefinitions.length > 0) {
    pieces.push({ attribute: sc.ATTR_GEN_AI_TOOL_DEFINITIONS, field: 'tool.definitions', value: request.toolDefinitions, fit: fitJson });
  }
  if (output) pieces.push({ attribute: sc.ATTR_GEN_AI_OUTPUT_MESSAGES, field: 'output.messages', value: output, fit: fitOutput });
  return pieces;
}

export function prepareContent(
  request: RequestContent | undefined,
  output: OutputMessage[] | undefined,
  safeguards: ContentSafeguards,
): PreparedContent {
  const json: Record<string, string> = {};
  const structured: Record<string, AnyValue> = {};
  const meta: Attributes = {};
  const { redactor, truncation } = safeguards;
  let redactions = 0;
  let dropped = false;
  let truncated = false;
  for (const piece of piecesOf(request, output)) {
    let value = piece.value;
    if (redactor.active) {
      const redacted = redactor.redactContent(value, { field: piece.field });
      redactions += redacted.count;
      // The app's hook failed on this piece: leave it out, keep the rest of the telemetry.
      if (redacted.dropped) {
        dropped = true;
        continue;
      }
      value = redacted.value;
    }
    const fitted = piece.fit(value as never, truncation.maxContentBytes, truncation.captureInlineBinary);
    json[piece.attribute] = fitted.json;
    structured[piece.attribute] = fitted.result as AnyValue;
    if (fitted.truncated) truncated = true;
    if (piece.attribute === sc.ATTR_GEN_AI_INPUT_MESSAGES && fitted.droppedCount > 0) {
      meta[sc.ATTR_GENAI_APP_INPUT_MESSAGES_ORIGINAL_COUNT] = fitted.originalCount;
    }
  }
  if (redactions > 0) meta[sc.ATTR_GENAI_APP_CONTENT_REDACTIONS] = redactions;
  if (dropped) meta[sc.ATTR_GENAI_APP_CONTENT_DROPPED] = true;
  if (truncated) meta[sc.ATTR_GENAI_APP_CONTENT_TRUNCATED] = true;
  return { json, structured, meta };
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
