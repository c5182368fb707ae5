/*
 * What recording needs from an instrumentation: where to send spans, metrics and events, and the content
 * settings. Implemented by GenAIInstrumentationBase (both interfaces) and, for the module-level stage
 * helpers, by ./stages/global.ts; the getters are read per span so that provider changes
 * (setTracerProvider, setMeterProvider, setLoggerProvider, setConfig) take effect.
 */
import type { Context, Tracer } from '@opentelemetry/api';
import type { AnyValue } from '@opentelemetry/api-logs';
import type { CaptureMode } from './content-mode';
import type { ContentSafeguards } from './content-safeguards';
import type { GenAIInstruments } from './instruments';
import type { StageInstruments } from './stages/instruments';

/** The part of the Logs API logger we use; satisfied by both @opentelemetry/api-logs and api >= 1.10. */
export interface EventLogger {
  emit(record: {
    eventName?: string;
    severityNumber?: number;
    severityText?: string;
    attributes?: Record<string, AnyValue>;
    context?: Context;
  }): void;
}

/** What every recorded span needs (see ./recorded-span.ts). */
export interface SpanTelemetry {
  readonly tracer: Tracer;
  /** The default content capture mode; the GenAI context metadata may override it. */
  readonly captureMode: CaptureMode;
  /** Redaction and size budget for captured content (only consulted when content is captured). */
  readonly contentSafeguards: ContentSafeguards;
  /** Whether GenAI context prompt name/version and environment go on metrics (default true). */
  readonly contextAttributesOnMetrics?: boolean;
}

/** What an LLM call's Invocation needs besides. */
export interface GenAITelemetry extends SpanTelemetry {
  readonly instruments: GenAIInstruments;
  readonly eventLogger: EventLogger;
  /** How long a call may wait on the app without a sign of life before it is ended as abandoned (ms; 0: never). */
  readonly idleTimeoutMs?: number;
  /** Whether streamed calls record time per output chunk (default true; see ./chunk-timing.ts). */
  readonly recordsTimePerOutputChunk?: boolean;
}

/** What a StageRecorder needs besides. */
export interface StageTelemetry extends SpanTelemetry {
  readonly stageInstruments: StageInstruments;
}
