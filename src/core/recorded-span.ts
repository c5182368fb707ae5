/*
 * What every span this package records goes through, whether an LLM call's (./invocation.ts) or an app
 * step's (./stages/recorder.ts): it starts with its own attributes over the GenAI context metadata in
 * effect, decides once where content may go, records a failure, and ends exactly once with its duration
 * on a histogram. What only one kind of span does stays with it.
 */
import type { Attributes, Context, Histogram, Span, SpanKind } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { type CaptureMode, capturesOnEvent, capturesOnSpan } from './content-mode';
import { errorRecord } from './error-record';
import { reportFailure, safely } from './safely';
import { type EffectiveGenAIContext, getGenAIContext, contextMetricAttributes, contextSpanAttributes, contextCaptureMode } from './genai-context/metadata';
import { ATTR_ERROR_TYPE } from './semconv';
import type { SpanTelemetry } from './telemetry';

/** The span event the OpenTelemetry API's recordException writes. */
const SPAN_EXCEPTION_EVENT = 'exception';

export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  /** The span's own attributes at the start (what samplers see); they win over the context metadata's. */
  readonly attributes: Attributes;
  /** Where the span starts: its parent span and the GenAI context metadata in effect. */
  readonly parentContext: Context;
}

/** A failure is `thrown` (an exception event goes on the span) or `reported` in a response (no event). */
export type FailureKind = 'thrown' | 'reported';

export class RecordedSpan {
  readonly span: Span;
  /** The parent context plus this span: what runs inside it nests under it. */
  readonly context: Context;
  /** performance.now() just after the span started: durations are timed from here, so none exceeds the span's. */
  readonly startedAt: number;
  /** Where this span's content may go: decided once, at the start (see contentGate). */
  private readonly captureMode: CaptureMode;
  /** The app's GenAI context metadata in effect where the span started (see ./genai-context). */
  private readonly metadata: EffectiveGenAIContext | undefined;
  private ended = false;

  constructor(
    private readonly telemetry: SpanTelemetry,
    start: SpanStart,
  ) {
    this.metadata = getGenAIContext(start.parentContext);
    this.span = telemetry.tracer.startSpan(
      start.name,
      { kind: start.kind, attributes: this.withContextMetadata(start.attributes) },
      start.parentContext,
    );
    this.startedAt = performance.now();
    this.context = trace.setSpan(start.parentContext, this.span);
    this.captureMode = contentGate(contextCaptureMode(start.parentContext, telemetry.captureMode), this.span.isRecording());
  }

  /** Whether content is captured at all. */
  get capturesContent(): boolean {
    return this.captureMode !== 'NO_CONTENT';
  }

  /** Whether content goes on the span (as JSON strings). */
  get capturesOnSpan(): boolean {
    return capturesOnSpan(this.captureMode);
  }

  /** Whether content goes on log records (structured). */
  get capturesOnEvent(): boolean {
    return capturesOnEvent(this.captureMode);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The context metadata's span attributes, then `own` (which win: e.g. an SDK-level conversation id). */
  withContextMetadata<Own extends Record<string, unknown>>(own: Own): Readonly<Attributes> & Own {
    // Without metadata (the usual case) no copy is made: callers pass a fresh object.
    if (this.metadata === undefined) return own as Readonly<Attributes> & Own;
    return { ...contextSpanAttributes(this.metadata), ...own };
  }

  /** The context metadata's metric attributes (when the telemetry puts them on metrics), then `own`. */
  metricAttributes(own: Attributes): Attributes {
    return { ...this.contextMetricAttributes(), ...own };
  }

  /** The context metadata's metric attributes (when the telemetry puts them on metrics); undefined when none. */
  contextMetricAttributes(): Readonly<Attributes> | undefined {
    if (this.metadata === undefined) return undefined;
    return contextMetricAttributes(this.metadata, this.telemetry.contextAttributesOnMetrics !== false);
  }

  /**
   * Claims the end of the span: the first call returns the seconds since it started, later ones
   * undefined (the span is already ending). Then `end` it.
   */
  claimEnd(): number | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    return (performance.now() - this.startedAt) / 1000;
  }

  /**
   * Marks the span failed: `error.type`, the `exception` event for a thrown failure, status ERROR. The
   * message is content (see ./error-record.ts): there only when content goes on the span, redacted.
   */
  recordFailure(errorType: string, cause: unknown, kind: FailureKind): void {
    safely(
      'recording a GenAI failure',
      () => {
        const recorded = errorRecord(cause, this.capturesOnSpan, this.telemetry.contentSafeguards);
        this.span.setAttribute(ATTR_ERROR_TYPE, errorType);
        if (kind === 'thrown') this.span.addEvent(SPAN_EXCEPTION_EVENT, recorded.exception);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: recorded.statusMessage });
      },
      undefined,
    );
  }

  /** Ends the span and records `durationS` (see claimEnd) on `histogram`, with `error.type` when the span failed. */
  end(durationS: number, histogram: Histogram, metricAttributes: Attributes, errorType: string | undefined): void {
    // Caught inline rather than through `safely`: no closures per call.
    try {
      this.span.end();
    } catch (error) {
      reportFailure('ending a GenAI span', error);
    }
    const attributes = errorType === undefined ? metricAttributes : { ...metricAttributes, [ATTR_ERROR_TYPE]: errorType };
    try {
      histogram.record(durationS, attributes);
    } catch (error) {
      reportFailure('recording a GenAI duration', error);
    }
  }
}

/**
 * The content gate, for every span: `mode` is the context metadata's override, else the telemetry's
 * default. A span that is not recording (sampled out) would drop content put on it, so the span part is
 * taken away (nothing is converted for it); log records are not sampled with traces, so the event part
 * stays. Stage spans have no log record: for them only the span part counts.
 */
function contentGate(mode: CaptureMode, spanIsRecording: boolean): CaptureMode {
  if (spanIsRecording) return mode;
  if (mode === 'SPAN_ONLY') return 'NO_CONTENT';
  if (mode === 'SPAN_AND_EVENT') return 'EVENT_ONLY';
  return mode;
}
