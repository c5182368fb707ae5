/*
 * One GenAI client call in flight: owns its span, measures its timing, and records spans, metrics and
 * the details event exactly once when the call ends (successfully, with an error, when a stream is
 * finished, broken out of or aborted, or when the app abandons it: see ./open-invocations.ts).
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { SpanKind, context as contextApi } from '@opentelemetry/api';
import { type PreparedContent, prepareContent } from './content';
import { type ErrorRecord, errorRecord } from './error-record';
import { eventContent } from './event-content';
import { errorTypeOf } from './error-type';
import type { InvocationRequest, InvocationResponse, RequestContent } from './model';
import { type AbandonCause, type OpenCall, trackOpenCall, untrackOpenCall, watchHandle } from './open-invocations';
import { type FailureKind, RecordedSpan } from './recorded-span';
import { reportFailure, safely } from './safely';
import * as sc from './semconv';
import { markRecordedCall } from './unpatched-sdk';
import { type MetricAttributeSet, metricAttributeSet } from './metric-attribute-sets';
import { requestAttributes, responseAttributes, samplingAttributes, spanName } from './span-attributes';
import type { GenAITelemetry } from './telemetry';

const INFO_SEVERITY = 9;
const WARN_SEVERITY = 13;

export class Invocation implements OpenCall {
  private readonly recorded: RecordedSpan;
  /** The context to run the SDK call in, so transport spans nest under the GenAI span. */
  readonly context: Context;
  private readonly requestContent: RequestContent | undefined;
  private firstChunkAt: number | undefined;
  private lastChunkAt: number | undefined;
  /** Gaps between chunks (s), recorded when the call ends so they carry the response attributes. */
  private chunkGaps: number[] | undefined;
  /** Whether the gaps are recorded (see ./chunk-timing.ts). */
  private readonly timesChunks: boolean;
  /** See OpenCall: set once the call waits on the app, moved on by every chunk. */
  idleSince: number | undefined;
  readonly idleTimeoutMs: number;
  liveHandles = 0;
  settling = false;
  /** What the app has received so far, for a call it abandons (a stream's partial response). */
  private receivedSoFar: ((interrupted: boolean) => InvocationResponse) | undefined;

  constructor(
    private readonly telemetry: GenAITelemetry,
    private request: InvocationRequest,
    parentContext: Context = contextApi.active(),
  ) {
    this.recorded = new RecordedSpan(telemetry, {
      name: spanName(request),
      kind: SpanKind.CLIENT,
      attributes: samplingAttributes(request),
      // Marked as a recorded call: the SDK's HTTP request inside it is known to come from a patched copy
      // (./unpatched-sdk.ts). The parent is marked, not the span's context: calls made from one context
      // share its marked copy, so the span's context is the only new one per call.
      parentContext: markRecordedCall(parentContext),
    });
    this.context = this.recorded.context;
    // Content is captured at the start: the app may mutate its message array while a stream runs.
    this.requestContent =
      this.recorded.capturesContent && request.content
        ? safely('converting request content', request.content, undefined)
        : undefined;
    this.idleTimeoutMs = telemetry.idleTimeoutMs ?? 0;
    this.timesChunks = telemetry.recordsTimePerOutputChunk !== false;
    trackOpenCall(this);
  }

  get span(): Span {
    return this.recorded.span;
  }

  /** Whether this call records content (its effective capture mode is not NO_CONTENT). */
  get capturesContent(): boolean {
    return this.recorded.capturesContent;
  }

  get isEnded(): boolean {
    return this.recorded.isEnded;
  }

  /**
   * The response has reached the SDK and the call now waits on the app (to await, parse or read the
   * stream): from here the idle limit applies. `receivedSoFar` assembles what the app got so far (called
   * with `interrupted` true), in case it abandons the call. It must not reference, even through the closure
   * it was made in, the objects passed to watch().
   */
  waitOnApp(receivedSoFar?: (interrupted: boolean) => InvocationResponse): void {
    this.idleSince ??= performance.now();
    if (receivedSoFar) this.receivedSoFar = receivedSoFar;
  }

  /**
   * `handle` is an object through which the app can still finish this call (the SDK's promise, its stream,
   * an iterator taken from it): once every watched handle is garbage collected, the call is abandoned.
   */
  watch(handle: object): void {
    if (!this.isEnded) watchHandle(handle, this);
  }

  /** Ends the call as not finished by the app: what it received so far, marked with the cause. */
  abandon(cause: AbandonCause): void {
    if (this.isEnded) return;
    const receivedSoFar = this.receivedSoFar;
    const partial = receivedSoFar ? safely('assembling an abandoned response', () => receivedSoFar(true), {}) : {};
    this.end({ ...partial, attributes: { ...partial.attributes, [sc.ATTR_GENAI_APP_CALL_ABANDONED]: cause } });
  }

  /** Call once per received stream chunk, before processing it. */
  recordChunk(): void {
    const now = performance.now();
    if (this.idleSince !== undefined) this.idleSince = now;
    if (this.firstChunkAt === undefined) {
      this.firstChunkAt = now;
    } else if (this.lastChunkAt !== undefined && this.timesChunks) {
      // Made at the second chunk: a call that does not stream allocates no array.
      (this.chunkGaps ??= []).push((now - this.lastChunkAt) / 1000);
    }
    this.lastChunkAt = now;
  }

  /**
   * Sets `server.address` / `server.port` when they become known after the span started (an SDK that
   * resolves its endpoint asynchronously, e.g. the AWS SDK), and `provider` when the host is what names it
   * (a framework's OpenAI-compatible provider whose id the app chose). They go on the span now and on the
   * metrics and details event at the end. Ignored once the call has ended.
   */
  setServer(serverAddress: string | undefined, serverPort: number | undefined, provider: string = this.request.provider): void {
    if (this.isEnded) return;
    const r = this.request;
    if (serverAddress === r.serverAddress && serverPort === r.serverPort && provider === r.provider) return;
    this.request = { ...r, serverAddress, serverPort, provider };
    safely('recording the server address', () => this.span.setAttributes(samplingAttributes(this.request)), undefined);
  }

  end(response: InvocationResponse): void {
    const durationS = this.recorded.claimEnd();
    if (durationS === undefined) return;
    this.close();
    // Caught inline rather than through `safely`: no closure per call.
    try {
      this.finish(durationS, response, undefined, undefined);
    } catch (error) {
      reportFailure('recording a GenAI call', error);
    }
  }

  /**
   * `errorType`: the provider's own `error.type` for this failure (e.g. its error code), when the SDK's
   * error class name would say less; default: see errorTypeOf.
   */
  fail(error: unknown, partial: InvocationResponse = {}, errorType?: string): void {
    const durationS = this.recorded.claimEnd();
    if (durationS === undefined) return;
    this.close();
    try {
      this.finish(durationS, partial, error, errorType);
    } catch (err) {
      reportFailure('recording a failed GenAI call', err);
    }
  }

  private close(): void {
    this.receivedSoFar = undefined;
    untrackOpenCall(this);
  }

  private finish(durationS: number, response: InvocationResponse, error: unknown, providerErrorType: string | undefined): void {
    const recorded = this.recorded;
    const span = recorded.span;
    const attrs = responseAttributes(response, requestAttributes(this.request));
    const ttfc = this.firstChunkAt === undefined ? undefined : (this.firstChunkAt - recorded.startedAt) / 1000;
    if (ttfc !== undefined) {
      attrs[sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = ttfc;
      // The SDK streamed although the request's `stream` was not `true` (openai 4-6 stream on any truthy value).
      if (this.request.params.stream !== true) attrs[sc.ATTR_GEN_AI_REQUEST_STREAM] = true;
    }

    /** What failed: the thrown error, or the error the response reported (then no exception event on the span). */
    let failure: { errorType: string; cause: unknown; kind: FailureKind; exceptionType?: string } | undefined;
    if (error !== undefined) {
      failure = { errorType: providerErrorType ?? errorTypeOf(error), cause: error, kind: 'thrown' };
    } else if (response.error) {
      failure = { errorType: response.error.type, cause: response.error.message, kind: 'reported', exceptionType: response.error.type };
    }
    if (failure) attrs[sc.ATTR_ERROR_TYPE] = failure.errorType;

    const content =
      !recorded.capturesContent
        ? undefined
        : safely(
            'preparing captured content',
            () =>
              prepareContent(
                withContentUpdate(this.requestContent, response),
                response.outputMessages ? safely('converting output content', response.outputMessages, undefined) : undefined,
                this.telemetry.contentSafeguards,
              ),
            undefined,
          );
    // The exception record copies the call's attributes, not what was done to its content.
    const callAttrs = failure ? { ...attrs } : attrs;
    if (content) Object.assign(attrs, content.meta);
    span.setAttributes(attrs);
    if (content && recorded.capturesOnSpan) span.setAttributes(content.json);
    if (failure) recorded.recordFailure(failure.errorType, failure.cause, failure.kind);
    // The details event describes inference operations; embeddings carry no content and get none.
    if (content && recorded.capturesOnEvent && this.request.operation !== 'embeddings') this.emitDetailsEvent(attrs, content);
    if (failure) {
      const exception = errorRecord(failure.cause, recorded.capturesOnEvent, this.telemetry.contentSafeguards, failure.exceptionType);
      this.emitExceptionEvent(callAttrs, exception);
    }

    const metricAttrs = metricAttributeSet(this.request, response, recorded.contextMetricAttributes());
    this.recordTokenAndChunkMetrics(response, metricAttrs, ttfc);
    recorded.end(durationS, this.telemetry.instruments.operationDuration, metricAttrs.base, failure?.errorType);
  }

  /**
   * `gen_ai.client.operation.exception` (WARN), for every failed call: the span's attributes and the
   * exception, whose message is there only when content goes to events (see ./error-record.ts).
   */
  private emitExceptionEvent(spanAttrs: Attributes, recorded: ErrorRecord): void {
    this.emitEvent(sc.EVENT_GEN_AI_CLIENT_OPERATION_EXCEPTION, WARN_SEVERITY, 'WARN', spanAttrs, recorded.exception);
  }

  private emitDetailsEvent(spanAttrs: Attributes, content: PreparedContent): void {
    this.emitEvent(sc.EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS, INFO_SEVERITY, 'INFO', spanAttrs, eventContent(this.telemetry.eventLogger, content));
  }

  /** A log record of this call, in its span's context: the span's attributes, then `own`. */
  private emitEvent(eventName: string, severityNumber: number, severityText: string, spanAttrs: Attributes, own: Record<string, unknown>): void {
    this.telemetry.eventLogger.emit({
      eventName,
      severityNumber,
      severityText,
      attributes: Object.assign(this.recorded.withContextMetadata(samplingAttributes(this.request)), spanAttrs, own) as never,
      context: this.context,
    });
  }

  /** The call's metrics besides its duration (see RecordedSpan.end). */
  private recordTokenAndChunkMetrics(response: InvocationResponse, attributes: MetricAttributeSet, ttfc: number | undefined): void {
    const { instruments } = this.telemetry;
    const usage = response.usage;
    if (usage?.inputTokens !== undefined) {
      instruments.tokenUsage.record(usage.inputTokens, attributes.tokens(sc.GEN_AI_TOKEN_TYPE_VALUE_INPUT));
    }
    if (usage?.outputTokens !== undefined) {
      instruments.tokenUsage.record(usage.outputTokens, attributes.tokens(sc.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT));
    }
    const base = attributes.base;
    if (ttfc !== undefined) instruments.timeToFirstChunk.record(ttfc, base);
    const gaps = this.chunkGaps;
    if (gaps !== undefined) for (const gap of gaps) instruments.timePerOutputChunk.record(gap, base);
  }
}

/** The request content captured at the start, with what the response says was added while the call ran. */
function withContentUpdate(captured: RequestContent | undefined, response: InvocationResponse): RequestContent | undefined {
  if (!captured || !response.requestContentUpdate) return captured;
  const update = safely('converting request content updates', response.requestContentUpdate, undefined);
  if (!update) return captured;
  const merged: RequestContent = { ...captured };
  if (update.appendInputMessages && update.appendInputMessages.length > 0) {
    merged.inputMessages = [...(captured.inputMessages ?? []), ...update.appendInputMessages];
  }
  if (update.toolDefinitions) merged.toolDefinitions = update.toolDefinitions;
  return merged;
}
