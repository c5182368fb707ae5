/*
 * What each stage records: the app's options, validated, turned into a span name, span and metric
 * attributes, and the opt-in content (captured only when content capture is on). Pure apart from diag
 * warnings for invalid options; never throws at the app.
 */
import type { Attributes } from '@opentelemetry/api';
import { SpanKind, diag } from '@opentelemetry/api';
import { parseJsonIfPossible } from '../safe-json';
import type { StageContent } from '../content';
import type { StageInstruments } from './instruments';
import * as sc from '../semconv';

/** `execute_tool {name}` (INTERNAL). */
export interface ToolStage {
  /** `gen_ai.tool.name` (required by the conventions; also in the span name). */
  name: string;
  /** `gen_ai.tool.call.id`: the model's id for this call, e.g. OpenAI's `tool_call.id`. */
  callId?: string;
  /** `gen_ai.tool.description`. */
  description?: string;
  /** `gen_ai.tool.type`: `function`, `extension` or `datastore`. */
  type?: string;
}

/** A retrieved document as the conventions record it (`gen_ai.retrieval.documents`). */
export interface RetrievalDocument {
  id?: string | number;
  score?: number | null;
}

/**
 * What a stage's function produced, once settled: the resolved value of a promise, or the array of the
 * items an async iterator yielded.
 */
export type StageValue<R> = Awaited<R> extends AsyncIterator<infer T, unknown, unknown> ? T[] : Awaited<R>;

/** `retrieval {data source}` (CLIENT, as the conventions define it). */
export interface RetrievalStage<R = unknown> {
  /** `gen_ai.data_source.id`: the vector store, index or knowledge base searched (also in the span name). */
  dataSource?: string;
  /** `gen_ai.retrieval.query.text` (opt-in content). */
  query?: string;
  /** `gen_ai.request.top_k`: how many documents were asked for. */
  topK?: number;
  /** `gen_ai.provider.name` of the retrieval service, when it is a GenAI provider (e.g. `openai`). */
  provider?: string;
  /** `gen_ai.request.model`: the embedding model used for the search, if any. */
  model?: string;
  /**
   * Extracts `{id, score}` from what `fn` returned (opt-in content `gen_ai.retrieval.documents`; called
   * only when content capture is on). Default: `fn`'s value is taken as an array of documents, each an
   * object with `id` and/or `score`, or a `[document, score]` pair.
   */
  documents?: (result: StageValue<R>) => readonly RetrievalDocument[] | undefined;
}

/** `invoke_agent {name}` (INTERNAL: an agent running in this process). */
export interface AgentStage {
  /** `gen_ai.agent.name` (also in the span name). */
  name: string;
  /** `gen_ai.agent.id`: a stable id of the agent, not of this run. */
  id?: string;
  /** `gen_ai.agent.description`. */
  description?: string;
  /** `gen_ai.agent.version`. */
  version?: string;
  /** `gen_ai.provider.name`, when the agent runs on one provider. */
  provider?: string;
  /** `gen_ai.request.model`, when the agent runs on one model. */
  model?: string;
}

/** `invoke_workflow {name}` (INTERNAL). */
export interface WorkflowStage {
  /** `gen_ai.workflow.name` (also in the span name). */
  name: string;
}

export interface StagePlan {
  spanName: string;
  kind: SpanKind;
  /** Set when the span starts. */
  spanAttributes: Attributes;
  /** The stage's own metric attributes (without error.type and GenAI context attributes). */
  metricAttributes: Attributes;
  histogram(instruments: StageInstruments): StageInstruments[keyof StageInstruments];
  /** Opt-in content known at the start. */
  /** Structured content values by attribute name; redacted, fitted and serialized by the recorder. */
  startContent?(): StageContent | undefined;
  /** Opt-in content from the settled value (see StageValue). */
  endContent?(value: unknown): StageContent | undefined;
}

const PREFIX = 'opentelemetry-instrumentation-genai:';

export function toolPlan(tool: unknown, args: unknown): StagePlan {
  const o = options(tool, 'traceTool');
  const name = str(o, 'name', 'traceTool');
  const type = str(o, 'type', 'traceTool');
  const spanAttributes = op(sc.OPERATION_EXECUTE_TOOL);
  set(spanAttributes, sc.ATTR_GEN_AI_TOOL_NAME, name);
  set(spanAttributes, sc.ATTR_GEN_AI_TOOL_CALL_ID, str(o, 'callId', 'traceTool'));
  set(spanAttributes, sc.ATTR_GEN_AI_TOOL_DESCRIPTION, str(o, 'description', 'traceTool'));
  set(spanAttributes, sc.ATTR_GEN_AI_TOOL_TYPE, type);
  const metricAttributes = op(sc.OPERATION_EXECUTE_TOOL);
  set(metricAttributes, sc.ATTR_GEN_AI_TOOL_NAME, name);
  set(metricAttributes, sc.ATTR_GEN_AI_TOOL_TYPE, type);
  if (name === undefined && read(o, 'name') == null) diag.warn(`${PREFIX} traceTool: a tool name is required by the conventions`);
  return {
    spanName: spanName(sc.OPERATION_EXECUTE_TOOL, name),
    kind: SpanKind.INTERNAL,
    spanAttributes,
    metricAttributes,
    histogram: (i) => i.executeToolDuration,
    // Arguments and result are objects in the conventions: a JSON string is parsed first, then the
    // value is stored as a JSON string (span attributes cannot hold maps).
    startContent: () => (args === undefined ? undefined : { [sc.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: parseJsonIfPossible(args) }),
    endContent: (value) => (value === undefined ? undefined : { [sc.ATTR_GEN_AI_TOOL_CALL_RESULT]: parseJsonIfPossible(value) }),
  };
}

export function retrievalPlan(retrieval: unknown): StagePlan {
  const o = options(retrieval, 'traceRetrieval');
  const dataSource = str(o, 'dataSource', 'traceRetrieval');
  const provider = str(o, 'provider', 'traceRetrieval');
  const model = str(o, 'model', 'traceRetrieval');
  const query = str(o, 'query', 'traceRetrieval');
  const topK = read(o, 'topK');
  const mapper = read(o, 'documents');

  const spanAttributes = op(sc.OPERATION_RETRIEVAL);
  set(spanAttributes, sc.ATTR_GEN_AI_PROVIDER_NAME, provider);
  set(spanAttributes, sc.ATTR_GEN_AI_DATA_SOURCE_ID, dataSource);
  set(spanAttributes, sc.ATTR_GEN_AI_REQUEST_MODEL, model);
  if (typeof topK === 'number' && Number.isFinite(topK)) spanAttributes[sc.ATTR_GEN_AI_REQUEST_TOP_K] = topK;
  else if (topK !== undefined && topK !== null) invalid('traceRetrieval', 'topK', 'a finite number', topK);
  const metricAttributes = op(sc.OPERATION_RETRIEVAL);
  set(metricAttributes, sc.ATTR_GEN_AI_PROVIDER_NAME, provider);
  set(metricAttributes, sc.ATTR_GEN_AI_REQUEST_MODEL, model);
  if (mapper !== undefined && mapper !== null && typeof mapper !== 'function') {
    invalid('traceRetrieval', 'documents', 'a function', mapper);
  }
  const extract = typeof mapper === 'function' ? (mapper as (value: unknown) => unknown) : (value: unknown) => value;
  return {
    spanName: spanName(sc.OPERATION_RETRIEVAL, dataSource),
    kind: SpanKind.CLIENT,
    spanAttributes,
    metricAttributes,
    histogram: (i) => i.operationDuration,
    startContent: () => (query === undefined ? undefined : { [sc.ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT]: query }),
    endContent: (value) => {
      const documents = normalizeDocuments(extract(value));
      return documents && { [sc.ATTR_GEN_AI_RETRIEVAL_DOCUMENTS]: documents };
    },
  };
}

export function agentPlan(agent: unknown): StagePlan {
  const o = options(agent, 'traceAgent');
  const name = str(o, 'name', 'traceAgent');
  const provider = str(o, 'provider', 'traceAgent');
  const model = str(o, 'model', 'traceAgent');
  const spanAttributes = op(sc.OPERATION_INVOKE_AGENT);
  set(spanAttributes, sc.ATTR_GEN_AI_PROVIDER_NAME, provider);
  set(spanAttributes, sc.ATTR_GEN_AI_AGENT_NAME, name);
  set(spanAttributes, sc.ATTR_GEN_AI_AGENT_ID, str(o, 'id', 'traceAgent'));
  set(spanAttributes, sc.ATTR_GEN_AI_AGENT_DESCRIPTION, str(o, 'description', 'traceAgent'));
  set(spanAttributes, sc.ATTR_GEN_AI_AGENT_VERSION, str(o, 'version', 'traceAgent'));
  set(spanAttributes, sc.ATTR_GEN_AI_REQUEST_MODEL, model);
  const metricAttributes = op(sc.OPERATION_INVOKE_AGENT);
  set(metricAttributes, sc.ATTR_GEN_AI_PROVIDER_NAME, provider);
  set(metricAttributes, sc.ATTR_GEN_AI_AGENT_NAME, name);
  set(metricAttributes, sc.ATTR_GEN_AI_REQUEST_MODEL, model);
  return {
    spanName: spanName(sc.OPERATION_INVOKE_AGENT, name),
    kind: SpanKind.INTERNAL,
    spanAttributes,
    metricAttributes,
    histogram: (i) => i.invokeAgentDuration,
  };
}

export function workflowPlan(workflow: unknown): StagePlan {
  const o = options(workflow, 'traceWorkflow');
  const name = str(o, 'name', 'traceWorkflow');
  const spanAttributes = op(sc.OPERATION_INVOKE_WORKFLOW);
  set(spanAttributes, sc.ATTR_GEN_AI_WORKFLOW_NAME, name);
  return {
    spanName: spanName(sc.OPERATION_INVOKE_WORKFLOW, name),
    kind: SpanKind.INTERNAL,
    spanAttributes,
    metricAttributes: { ...spanAttributes },
    histogram: (i) => i.invokeWorkflowDuration,
  };
}

/**
 * `[{id, score}]` from an app value: an array whose entries are objects with `id` (string or number)
 * and/or `score` (number), or `[document, score]` pairs. Anything else gives undefined (no attribute).
 */
export function normalizeDocuments(value: unknown): RetrievalDocument[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const documents: RetrievalDocument[] = [];
  for (const entry of value) {
    let doc: unknown = entry;
    let score: unknown;
    if (Array.isArray(entry) && entry.length === 2 && typeof entry[1] === 'number') [doc, score] = entry;
    const out: RetrievalDocument = {};
    if (doc !== null && typeof doc === 'object') {
      const id = (doc as { id?: unknown }).id;
      if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) out.id = String(id);
      if (score === undefined) score = (doc as { score?: unknown }).score;
    }
    if (typeof score === 'number' && Number.isFinite(score)) out.score = score;
    if (out.id !== undefined || out.score !== undefined) documents.push(out);
  }
  return documents;
}

// ---------------------------------------------------------------------------------------------------

function spanName(operation: string, name: string | undefined): string {
  return name === undefined ? operation : `${operation} ${name}`;
}

function op(operation: sc.StageOperation): Attributes {
  return { [sc.ATTR_GEN_AI_OPERATION_NAME]: operation };
}

function set(attrs: Attributes, key: string, value: string | undefined): void {
  if (value !== undefined) attrs[key] = value;
}

function options(value: unknown, fn: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  diag.warn(`${PREFIX} ${fn}: the first argument must be an options object, got ${describeType(value)}; recording without it`);
  return {};
}

function read(o: Record<string, unknown>, key: string): unknown {
  try {
    return o[key];
  } catch {
    return undefined;
  }
}

/** A non-empty string option; anything else is ignored with a warning (absent/null silently). */
function str(o: Record<string, unknown>, key: string, fn: string): string | undefined {
  const value = read(o, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  invalid(fn, key, 'a non-empty string', value);
  return undefined;
}

function invalid(fn: string, key: string, expected: string, value: unknown): void {
  diag.warn(`${PREFIX} ${fn}: ${key} must be ${expected}, got ${describeType(value)}; ignored`);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  return `a ${typeof value}`;
}
