/*
 * The LangChain callback handler that turns runs into this package's spans, all through the core:
 *   - a chain: `invoke_workflow {name}`; a LangGraph graph (or a legacy AgentExecutor): `invoke_agent {name}`;
 *   - a tool: `execute_tool {name}` (arguments and result as content);
 *   - a retriever: `retrieval {name}` (query and documents as content);
 *   - a chat model or LLM: nothing when its SDK is recorded by this package's instrumentation of it
 *     (./sdk-integrations.ts: that provider span is the one GenAI span of the call), else a chat /
 *     text_completion span from the callback data (./chat-run.ts).
 * Prompt templates, output parsers, runs LangChain hides from tracing and LangGraph's node wrappers
 * get no span: their children nest under the nearest recorded run.
 *
 * A run's parent is the context of its parent run (by LangChain's parent run id), else the active
 * context. `takeStartedContext()` hands the context of the run that just started to the patched
 * CallbackManager (./run-context.ts), which makes it active in the code that runs the step.
 */
import { type Context, context as contextApi, createContextKey } from '@opentelemetry/api';
import type { GenAIInstrumentationBase, Invocation, RetrievalDocument } from '../../core';
import { safely } from '../../core';
import { chatInput, modelRequest, modelResponse, promptInput } from './chat-run';
import { recordedBySdkInstrumentation } from './sdk-integrations';

/** The handler's name: LangChain keeps one handler per name in a callback manager. */
export const HANDLER_NAME = 'opentelemetry_instrumentation_genai';

const HIDDEN_TAG = 'langsmith:hidden';

/**
 * On the context a recorded run's children start in: whether they are inside a LangGraph graph or agent.
 * LangChain's parent run id says it; this says it for a run announced without one, whose parent is then the
 * active context (OpenLLMetry's patch of `_configureSync` drops the parent's callback manager, and with it
 * the parent run id, from every child run: ./peer-handlers.ts).
 */
const IN_AGENT = createContextKey('opentelemetry-instrumentation-genai langchain in-agent');
const UNRECORDED_RUN_TYPES = new Set(['prompt', 'parser']);

interface Run {
  /** The context children of this run start in. */
  context: Context;
  /** Ends a stage span (its value, or the error it failed with). */
  settle?: { resolve(value: unknown): void; reject(error: unknown): void };
  invocation?: Invocation;
  /** Inside a LangGraph graph or agent: its inner chains are steps of the agent, not workflows. */
  inAgent?: boolean;
}

type Telemetry = Pick<GenAIInstrumentationBase, 'stages' | 'startInvocation'>;

type Dict = Record<string, any>;
const dict = (value: unknown): Dict | undefined => (value !== null && typeof value === 'object' ? (value as Dict) : undefined);

export class GenAICallbackHandler {
  readonly name = HANDLER_NAME;
  /** Called inline: a run's span starts before its step runs. */
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  readonly lc_serializable = false;

  private readonly runs = new Map<string, Run>();
  private started: Context | undefined;

  constructor(private readonly telemetry: Telemetry) {}

  /** The context of the run started by the last start callback, once. */
  takeStartedContext(): Context | undefined {
    const started = this.started;
    this.started = undefined;
    return started;
  }

  copy(): this {
    return this;
  }

  toJSON(): Dict {
    return { lc: 1, type: 'not_implemented', id: ['opentelemetry', HANDLER_NAME] };
  }

  // ---- chains, agents, graphs ----------------------------------------------------------------------

  handleChainStart(chain: unknown, _inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Dict, runType?: string, runName?: string): void {
    safely('recording a LangChain run', () => {
      const parent = this.parentContext(parentRunId);
      const inAgent = this.inAgent(parentRunId);
      const name = runName ?? lastId(chain) ?? 'chain';
      const agent = isAgent(chain);
      if (hidden(tags) || (runType && UNRECORDED_RUN_TYPES.has(runType)) || isGraphNode(metadata, name) || (inAgent && !agent)) {
        this.runs.set(runId, { context: parent, inAgent });
        return;
      }
      if (agent) this.startStage(runId, parent, (fn) => this.telemetry.stages.traceAgent({ name }, fn), true);
      else this.startStage(runId, parent, (fn) => this.telemetry.stages.traceWorkflow({ name }, fn));
    }, undefined);
  }

  handleChainEnd(_outputs: unknown, runId: string): void {
    this.settle(runId, undefined);
  }

  handleChainError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  // ---- tools -----------------------------------------------------------------------------------------

  handleToolStart(_tool: unknown, input: unknown, runId: string, parentRunId?: string, tags?: string[], _metadata?: Dict, runName?: string, toolCallId?: string): void {
    safely('recording a LangChain tool run', () => {
      const parent = this.parentContext(parentRunId);
      if (hidden(tags)) return void this.runs.set(runId, { context: parent });
      const tool = { name: runName ?? lastId(_tool) ?? 'tool', callId: toolCallId ?? undefined, type: 'function' };
      this.startStage(runId, parent, (fn) => this.telemetry.stages.traceTool(tool, () => fn(), input));
    }, undefined);
  }

  handleToolEnd(output: unknown, runId: string): void {
    // A ToolMessage (a tool called with a tool call) carries the result as its content.
    const message = dict(output);
    this.settle(runId, toolResult(message && 'tool_call_id' in message ? message.content : output));
  }

  handleToolError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  // ---- retrievers --------------------------------------------------------------------------------------

  handleRetrieverStart(retriever: unknown, query: unknown, runId: string, parentRunId?: string, tags?: string[], _metadata?: Dict, name?: string): void {
    safely('recording a LangChain retriever run', () => {
      const parent = this.parentContext(parentRunId);
      if (hidden(tags)) return void this.runs.set(runId, { context: parent });
      const retrieval = {
        dataSource: name ?? lastId(retriever),
        query: typeof query === 'string' ? query : undefined,
        documents: (docs: unknown) => (Array.isArray(docs) ? docs.map(documentOf) : undefined),
      };
      this.startStage(runId, parent, (fn) => this.telemetry.stages.traceRetrieval(retrieval, fn));
    }, undefined);
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.settle(runId, documents);
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  // ---- models ------------------------------------------------------------------------------------------

  handleChatModelStart(llm: unknown, messages: unknown, runId: string, parentRunId?: string, extraParams?: Dict, _tags?: string[], metadata?: Dict): void {
    const first = Array.isArray(messages) ? messages[0] : undefined;
    this.startModel(llm, runId, parentRunId, () => modelRequest('chat', llm, metadata, extraParams, () => chatInput(first)));
  }

  handleLLMStart(llm: unknown, prompts: unknown, runId: string, parentRunId?: string, extraParams?: Dict, _tags?: string[], metadata?: Dict): void {
    const prompt = Array.isArray(prompts) ? prompts[0] : undefined;
    this.startModel(llm, runId, parentRunId, () => modelRequest('text_completion', llm, metadata, extraParams, () => promptInput(prompt)));
  }

  handleLLMEnd(output: unknown, runId: string): void {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    if (run?.invocation) {
      const invocation = run.invocation;
      invocation.end(safely('reading a LangChain model result', () => modelResponse(output), {}));
    }
  }

  handleLLMError(error: unknown, runId: string): void {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    run?.invocation?.fail(error);
  }

  // ---------------------------------------------------------------------------------------------------

  private startModel(llm: unknown, runId: string, parentRunId: string | undefined, request: () => ReturnType<typeof modelRequest>): void {
    safely('recording a LangChain model run', () => {
      const parent = this.parentContext(parentRunId);
      // The SDK's own instrumentation records the call, under the run's parent: the model's code runs in
      // that context (the patched CallbackManager.handleChatModelStart enters it).
      if (recordedBySdkInstrumentation(llm)) {
        this.runs.set(runId, { context: parent, inAgent: this.inAgent(parentRunId) });
        this.started = parent;
        return;
      }
      const invocation = contextApi.with(parent, () => this.telemetry.startInvocation(request()));
      this.runs.set(runId, { context: invocation?.context ?? parent, invocation });
      this.started = invocation?.context ?? parent;
    }, undefined);
  }

  private startStage(runId: string, parent: Context, trace: (fn: () => Promise<unknown>) => Promise<unknown>, inAgent = false): void {
    let settle: Run['settle'];
    const done = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
    let stageContext = parent;
    const ended = contextApi.with(parent, () =>
      trace(() => {
        stageContext = contextApi.active();
        return done;
      }),
    );
    // The stage's promise is ours: its rejection (the run's error, recorded on the span) goes nowhere.
    Promise.resolve(ended).catch(() => undefined);
    stageContext = stageContext.setValue(IN_AGENT, inAgent);
    this.runs.set(runId, { context: stageContext, settle, inAgent });
    this.started = stageContext;
  }

  private settle(runId: string, value: unknown): void {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    run?.settle?.resolve(value);
  }

  private fail(runId: string, error: unknown): void {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    run?.settle?.reject(error);
  }

  /** Whether a run with this parent is inside a graph or agent: its parent run's, else the active context's. */
  private inAgent(parentRunId: string | undefined): boolean {
    const parent = parentRunId === undefined ? undefined : this.runs.get(parentRunId);
    return parent ? parent.inAgent === true : contextApi.active().getValue(IN_AGENT) === true;
  }

  private parentContext(parentRunId: string | undefined): Context {
    return (parentRunId !== undefined && this.runs.get(parentRunId)?.context) || contextApi.active();
  }
}

function lastId(serialized: unknown): string | undefined {
  const id = dict(serialized)?.id;
  const last = Array.isArray(id) ? id[id.length - 1] : undefined;
  return typeof last === 'string' && last !== '' ? last : undefined;
}

function hidden(tags: string[] | undefined): boolean {
  return Array.isArray(tags) && tags.includes(HIDDEN_TAG);
}

/** LangGraph runs each node as a run named after the node: a step of the graph, not a workflow of its own. */
function isGraphNode(metadata: Dict | undefined, name: string): boolean {
  return metadata?.langgraph_node === name;
}

/** A LangGraph graph (`["langgraph", "pregel", ...]`) or a legacy AgentExecutor. */
function isAgent(serialized: unknown): boolean {
  const id = dict(serialized)?.id;
  return Array.isArray(id) && (id[0] === 'langgraph' || id[id.length - 1] === 'AgentExecutor');
}

function documentOf(doc: unknown): RetrievalDocument {
  const d = dict(doc) ?? {};
  const score = dict(d.metadata)?.score;
  return { id: d.id, score: typeof score === 'number' ? score : undefined };
}

/** The result as JSON content: a text that is not JSON is recorded as `{"content": text}` (the conventions' result is an object). */
function toolResult(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    JSON.parse(value);
    return value;
  } catch {
    return { content: value };
  }
}
