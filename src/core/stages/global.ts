/*
 * Stage helpers for apps that do not hold an instrumentation instance: they record through the global
 * tracer and meter providers (looked up at every stage, so a provider registered later is used), under
 * this package's instrumentation scope, with the content settings of the GenAI instrumentation the app
 * configured (capture mode, redaction patterns and hook, size budget; see ../configured-content.ts), or,
 * with none, from this package's environment variables. GenAI context metadata may override the mode.
 */
import type { MeterProvider, Span, Tracer } from '@opentelemetry/api';
import { metrics, trace } from '@opentelemetry/api';
import { CAPTURE_CONTENT_ENV, type CaptureMode, resolveCaptureMode } from '../content-mode';
import { type ContentSafeguards, resolveContentSafeguards } from '../content-safeguards';
import { configuredContentSettings } from '../configured-content';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version';
import { type StageInstruments, createStageInstruments } from './instruments';
import type { AgentStage, RetrievalStage, ToolStage, WorkflowStage } from './plans';
import type { StageTelemetry } from '../telemetry';
import { StageRecorder } from './recorder';

class GlobalStageTelemetry implements StageTelemetry {
  private meterProvider: MeterProvider | undefined;
  private instruments: StageInstruments | undefined;
  private envValue: string | undefined;
  private mode: CaptureMode | undefined;
  private envSafeguards: ContentSafeguards | undefined;

  /** The configured instrumentation's redaction and size budget, else this package's env vars (resolved once). */
  get contentSafeguards(): ContentSafeguards {
    return configuredContentSettings()?.contentSafeguards ?? (this.envSafeguards ??= resolveContentSafeguards({}));
  }

  get contextAttributesOnMetrics(): boolean | undefined {
    return configuredContentSettings()?.contextAttributesOnMetrics;
  }

  get tracer(): Tracer {
    return trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  }

  /** Re-created when the global meter provider changes (the metrics API has no proxy provider). */
  get stageInstruments(): StageInstruments {
    const provider = metrics.getMeterProvider();
    if (provider !== this.meterProvider || !this.instruments) {
      this.meterProvider = provider;
      this.instruments = createStageInstruments(provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION));
    }
    return this.instruments;
  }

  /**
   * The configured instrumentation's mode, else the env var's: re-read when it changes; an invalid value
   * warns once per value (and means no content).
   */
  get captureMode(): CaptureMode {
    const configured = configuredContentSettings();
    if (configured) return configured.captureMode;
    const raw = process.env[CAPTURE_CONTENT_ENV];
    if (this.mode === undefined || raw !== this.envValue) {
      this.envValue = raw;
      this.mode = resolveCaptureMode(undefined);
    }
    return this.mode;
  }
}

const globalRecorder = new StageRecorder(new GlobalStageTelemetry());

/** `StageRecorder.traceTool` on the global providers. */
export function traceTool<A, R>(tool: ToolStage, fn: (args: A, span: Span) => R, args?: A): R {
  return globalRecorder.traceTool(tool, fn, args);
}

/** `StageRecorder.traceRetrieval` on the global providers. */
export function traceRetrieval<R>(retrieval: RetrievalStage<R>, fn: (span: Span) => R): R {
  return globalRecorder.traceRetrieval(retrieval, fn);
}

/** `StageRecorder.traceAgent` on the global providers. */
export function traceAgent<R>(agent: AgentStage, fn: (span: Span) => R): R {
  return globalRecorder.traceAgent(agent, fn);
}

/** `StageRecorder.traceWorkflow` on the global providers. */
export function traceWorkflow<R>(workflow: WorkflowStage, fn: (span: Span) => R): R {
  return globalRecorder.traceWorkflow(workflow, fn);
}
