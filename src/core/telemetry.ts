/*
 * What the recorder needs from an instrumentation: where to send spans, metrics and events, and the
 * content capture mode. Implemented by GenAIInstrumentationBase; the getters are read per call so that
 * provider changes (setTracerProvider, setMeterProvider, setLoggerProvider, setConfig) take effect.
 */
import type { Context, Tracer } from '@opentelemetry/api';
import type { AnyValue } from '@opentelemetry/api-logs';
import type { CaptureMode } from './content-mode';
import type { ContentPolicy } from './content-policy';
import type { GenAIInstruments } from './instruments';

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

export interface GenAITelemetry {
  readonly tracer: Tracer;
  readonly instruments: GenAIInstruments;
  readonly eventLogger: EventLogger;
  readonly captureMode: CaptureMode;
  /** Redaction and size budget for captured content (only consulted when content is captured). */
  readonly contentPolicy: ContentPolicy;
  /** Whether GenAI context prompt name/version and environment go on metrics (default true). */
  readonly scopeAttributesOnMetrics?: boolean;
  /** How long a call may wait on the app without a sign of life before it is ended as abandoned (ms; 0: never). */
  readonly idleTimeoutMs?: number;
}
