/*
 * Stage spans: wrap the app's own steps (a tool call, a retrieval, an agent run, a workflow) in the
 * conventions' execute_tool / retrieval / invoke_agent / invoke_workflow spans, so the LLM spans the
 * step makes nest under them.
 *
 * `fn` runs inside the stage span's context. What it returns decides when the stage ends:
 *   - a plain value: when `fn` returns;
 *   - a promise (or other thenable): when it settles; the caller gets a native Promise of the same
 *     value or error;
 *   - an async iterator (an async generator, or any object with `next` that is its own async
 *     iterable), directly or as a promise's value: when iteration completes, is broken out of
 *     (`return()`), or throws. The caller gets an iterator with the same protocol whose steps run in the
 *     stage's context, so LLM calls made while it is consumed nest under the stage span. A stage whose
 *     iterator is never consumed never ends (as for an unconsumed LLM stream).
 *   - Other async iterables without `next` (SDK stream objects, ReadableStream, Node streams) are plain
 *     values: they can be consumed in ways that bypass their async iterator (`pipeTo`, `tee()`, ...),
 *     and a stage that waited for them could never end. Return `(async function* () { yield* s })()` to
 *     time their consumption.
 * Errors are recorded as on the LLM spans (status ERROR, `error.type`, an exception event) and rethrown
 * unchanged. Telemetry failures never reach the app: `fn` always runs, exactly once.
 *
 * For a framework that reports the start and the end of its steps itself (no function of ours runs the
 * step), `startAgent` / `startTool` start the span now and return an OpenStage that ends when told:
 * resolved, rejected, or abandoned (the framework will never report the end: `genai_app.call.abandoned`
 * says why, as on an abandoned LLM call, see ../open-invocations.ts).
 */
import type { Attributes, Context, Histogram, Span } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, context as contextApi, trace } from '@opentelemetry/api';
import { prepareStageContent } from '../content';
import { errorTypeOf } from '../error-type';
import type { AbandonCause } from '../open-invocations';
import { RecordedSpan } from '../recorded-span';
import { safely } from '../safely';
import { ATTR_GENAI_APP_CALL_ABANDONED, ATTR_GENAI_APP_CONTENT_REDACTIONS } from '../semconv';
import { observeAsyncIterator } from '../iterator-observer';
import { isAsyncIterator, isThenable } from '../genai-context/bind';
import type { StageTelemetry } from '../telemetry';
import {
  type AgentStage,
  type RetrievalStage,
  type StagePlan,
  type ToolStage,
  type WorkflowStage,
  agentPlan,
  retrievalPlan,
  toolPlan,
  workflowPlan,
} from './plans';

/** A stage span started in a parent context that ends when told (see StageRecorder.startAgent); its functions may be passed on detached. */
export interface OpenStage {
  /** The context the stage's work runs in: the parent plus the stage span. */
  readonly context: Context;
  /** Ends the stage; `value` is its result (a tool's result content). */
  resolve(value: unknown): void;
  /** Ends the stage failed with `error` (recorded as a thrown error). */
  reject(error: unknown): void;
  /** Ends the stage as not finished, without an error: `genai_app.call.abandoned` is `cause`. */
  abandon(cause: AbandonCause): void;
  readonly isEnded: boolean;
}

export class StageRecorder {
  constructor(private readonly telemetry: StageTelemetry) {}

  /**
   * Runs a tool as `execute_tool {name}`. `fn` gets `args` (unchanged) and the span. With content
   * capture on (on spans), `args` is recorded as `gen_ai.tool.call.arguments` and the settled result as
   * `gen_ai.tool.call.result` (JSON; a JSON string is parsed first).
   */
  traceTool<A, R>(tool: ToolStage, fn: (args: A, span: Span) => R, args?: A): R {
    return this.run(() => toolPlan(tool, args), (span) => fn(args as A, span));
  }

  /**
   * Runs a search as `retrieval {dataSource}`. With content capture on (on spans), the query is
   * recorded as `gen_ai.retrieval.query.text` and the documents `fn` returned (see
   * `RetrievalStage.documents`) as `gen_ai.retrieval.documents`.
   */
  traceRetrieval<R>(retrieval: RetrievalStage<R>, fn: (span: Span) => R): R {
    return this.run(() => retrievalPlan(retrieval), fn);
  }

  /** Runs an in-process agent as `invoke_agent {name}`. */
  traceAgent<R>(agent: AgentStage, fn: (span: Span) => R): R {
    return this.run(() => agentPlan(agent), fn);
  }

  /** Runs a workflow (a multi-step or multi-agent process) as `invoke_workflow {name}`. */
  traceWorkflow<R>(workflow: WorkflowStage, fn: (span: Span) => R): R {
    return this.run(() => workflowPlan(workflow), fn);
  }

  /** Starts `invoke_agent {name}` in `parent` now; it ends when the returned stage is told. */
  startAgent(agent: AgentStage, parent: Context = contextApi.active()): OpenStage {
    return this.start(() => agentPlan(agent), parent);
  }

  /** Starts `execute_tool {name}` in `parent` now (`args` as for traceTool); it ends when the returned stage is told. */
  startTool<A>(tool: ToolStage, args: A | undefined, parent: Context = contextApi.active()): OpenStage {
    return this.start(() => toolPlan(tool, args), parent);
  }

  private start(plan: () => StagePlan, parent: Context): OpenStage {
    const stage = safely('starting a GenAI stage span', () => new Stage(this.telemetry, plan(), parent), undefined);
    if (!stage) return unrecordedStage(parent);
    // Functions, not methods: callers pass them on detached (as a promise's handlers).
    return {
      context: stage.context,
      resolve: (value) => stage.end(value),
      reject: (error) => stage.fail(error),
      abandon: (cause) => stage.abandon(cause),
      get isEnded() {
        return stage.isEnded;
      },
    };
  }

  private run<R>(plan: () => StagePlan, fn: (span: Span) => R): R {
    const stage = safely('starting a GenAI stage span', () => new Stage(this.telemetry, plan()), undefined);
    if (!stage) return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
    let result: R;
    try {
      result = contextApi.with(stage.context, fn, undefined, stage.span);
    } catch (error) {
      stage.fail(error);
      throw error;
    }
    return stage.settle(result);
  }
}

/** What startAgent / startTool return when the span could not be started: the work runs in `parent`. */
function unrecordedStage(parent: Context): OpenStage {
  let ended = false;
  const end = () => void (ended = true);
  return { context: parent, resolve: end, reject: end, abandon: end, get isEnded() { return ended; } };
}

class Stage {
  private readonly recorded: RecordedSpan;
  private readonly histogram: Histogram;
  private readonly metricAttributes: Attributes;
  private redactions = 0;

  constructor(
    private readonly telemetry: StageTelemetry,
    private readonly plan: StagePlan,
    parentContext: Context = contextApi.active(),
  ) {
    this.histogram = plan.histogram(telemetry.stageInstruments);
    this.recorded = new RecordedSpan(telemetry, {
      name: plan.spanName,
      kind: plan.kind,
      attributes: plan.spanAttributes,
      parentContext,
    });
    this.metricAttributes = this.recorded.metricAttributes(plan.metricAttributes);
    if (this.capture && plan.startContent) {
      const content = safely('capturing GenAI stage content', () => this.prepare(plan.startContent!()), undefined);
      if (content) this.span.setAttributes(content);
    }
  }

  /** Stage spans have no details event: their content goes on the span or nowhere. */
  private get capture(): boolean {
    return this.recorded.capturesOnSpan;
  }

  get span(): Span {
    return this.recorded.span;
  }

  /** The context `fn` runs in: the parent context (with its GenAI context metadata) plus the stage span. */
  get context(): Context {
    return this.recorded.context;
  }

  settle<R>(result: R): R {
    if (isAsyncIterator(result)) return this.observe(result) as R;
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          if (isAsyncIterator(value)) return this.observe(value);
          this.end(value);
          return value;
        },
        (error: unknown) => {
          this.fail(error);
          throw error;
        },
      ) as R;
    }
    this.end(result);
    return result;
  }

  private observe<T>(source: AsyncIterator<T>): AsyncIterableIterator<T> {
    // Yielded items are kept only when they become content (tool result, retrieval documents).
    const items: T[] | undefined = this.capture && this.plan.endContent ? [] : undefined;
    return observeAsyncIterator(source, {
      onChunk: (item) => void items?.push(item),
      onComplete: () => this.end(items),
      // The consumer stopped early: not an error. What was yielded so far is the result.
      onEarlyReturn: () => this.end(items),
      onError: (error) => this.fail(error),
    }, { context: this.context });
  }

  get isEnded(): boolean {
    return this.recorded.isEnded;
  }

  abandon(cause: AbandonCause): void {
    const durationS = this.recorded.claimEnd();
    if (durationS === undefined) return;
    safely('recording an abandoned GenAI stage', () => this.span.setAttribute(ATTR_GENAI_APP_CALL_ABANDONED, cause), undefined);
    this.recorded.end(durationS, this.histogram, this.metricAttributes, undefined);
  }

  end(value: unknown): void {
    const durationS = this.recorded.claimEnd();
    if (durationS === undefined) return;
    if (this.capture && this.plan.endContent) {
      const content = safely('capturing GenAI stage content', () => this.prepare(this.plan.endContent!(value)), undefined);
      if (content) safely('capturing GenAI stage content', () => this.span.setAttributes(content), undefined);
    }
    this.recorded.end(durationS, this.histogram, this.metricAttributes, undefined);
  }

  fail(error: unknown): void {
    const durationS = this.recorded.claimEnd();
    if (durationS === undefined) return;
    const errorType = errorTypeOf(error);
    // The message is content (a tool's error often quotes its arguments): see ../error-record.ts.
    this.recorded.recordFailure(errorType, error, 'thrown');
    this.recorded.end(durationS, this.histogram, this.metricAttributes, errorType);
  }

  /** Redacts and fits stage content; the redaction count adds up over the start and end content. */
  private prepare(content: Record<string, unknown> | undefined) {
    if (!content) return undefined;
    const attrs = prepareStageContent(content, this.telemetry.contentSafeguards);
    const count = attrs[ATTR_GENAI_APP_CONTENT_REDACTIONS];
    if (typeof count === 'number') {
      this.redactions += count;
      attrs[ATTR_GENAI_APP_CONTENT_REDACTIONS] = this.redactions;
    }
    return attrs;
  }
}
