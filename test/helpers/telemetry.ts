/*
 * Real OpenTelemetry SDK pipelines with in-memory exporters, and one of this package's instrumentations
 * patched into the SDK module the test loads. Jest has its own module registry, so the require hook never
 * sees an SDK load inside jest: the pipeline patches it with `manuallyInstrument` (the public path for
 * bundled apps). The module hooks themselves are proven by the child-process apps in test/apps/.
 *
 * Every span and log record of this package's instrumentation scopes is checked against the conventions
 * (test/helpers/conformance.ts): spans() and logs() throw on new violations, shutdown() throws if there
 * ever was one. Other spans (the app's own, an SDK's native tracing) go to the same exporter unchecked:
 * they are not ours and follow their own naming.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { GenAIInstrumentationBase } from '../../src/core';
import { ConformanceCollector } from './conformance';

/** An instrumentation of this package that can patch an SDK module handed to it. */
export type PatchingInstrumentation = GenAIInstrumentationBase<any> & { manuallyInstrument(sdkModule: unknown): unknown };

export type ConfigOf<I extends PatchingInstrumentation> = ReturnType<I['getConfig']>;

/** What a pipeline needs of a provider: its instrumentation class and the SDK module the tests load. */
export interface Provider<I extends PatchingInstrumentation> {
  Instrumentation: new (config: ConfigOf<I>) => I;
  sdkModule(): unknown;
}

export interface TestTelemetry<I extends PatchingInstrumentation = PatchingInstrumentation> {
  instrumentation: I;
  /** The SDK module to call: the one patched, or the instrumented exports manuallyInstrument returned for it. */
  sdk: unknown;
  /** The provider the instrumentation records to; apps' own spans (e.g. a parent span) can come from it too. */
  tracerProvider: NodeTracerProvider;
  /** Every finished span: ours, the app's and any other (an SDK's native tracing). */
  allSpans(): ReadableSpan[];
  /** The finished spans of this package's instrumentations (the GenAI spans under test). */
  spans(): ReadableSpan[];
  /** The attributes a span had when it started (what a sampler sees). */
  startAttributes(span: ReadableSpan): Record<string, unknown> | undefined;
  logs(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

/** Spans of this package's instrumentation scopes (`opentelemetry-instrumentation-genai/<provider>`). */
export const isOurs = (span: ReadableSpan): boolean => span.instrumentationScope.name.startsWith('opentelemetry-instrumentation-genai');

/** Forwards only this package's ended spans to `processor`. */
function oursOnly(processor: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, ctx) => processor.onStart(span, ctx),
    onEnd: (span) => {
      if (isOurs(span)) processor.onEnd(span);
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

/** Records the attributes of every span as it starts, by span id. */
function startAttributesRecorder(): SpanProcessor & { get(span: ReadableSpan): Record<string, unknown> | undefined; clear(): void } {
  const atStart = new Map<string, Record<string, unknown>>();
  return {
    onStart: (span) => void atStart.set(span.spanContext().spanId, { ...span.attributes }),
    onEnd: () => undefined,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
    get: (span) => atStart.get(span.spanContext().spanId),
    clear: () => atStart.clear(),
  };
}

/** A pipeline with a new instrumentation of `provider` (`config`, disabled until patched) patched into `sdkModule`. */
export function setupTelemetry<I extends PatchingInstrumentation>(
  provider: Provider<I>,
  config: ConfigOf<I> = {} as ConfigOf<I>,
  sdkModule: unknown = provider.sdkModule(),
): TestTelemetry<I> {
  const spanExporter = new InMemorySpanExporter();
  const conformance = new ConformanceCollector();
  const startAttributes = startAttributesRecorder();
  const tracerProvider = new NodeTracerProvider({
    spanProcessors: [startAttributes, oursOnly(conformance.spanProcessor), new SimpleSpanProcessor(spanExporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [conformance.logRecordProcessor, new SimpleLogRecordProcessor({ exporter: logExporter } as never)] });

  const instrumentation = new provider.Instrumentation({ enabled: false, ...config });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  const sdk = instrumentation.manuallyInstrument(sdkModule) ?? sdkModule;

  const allSpans = () => {
    conformance.assertNoNewViolations();
    return spanExporter.getFinishedSpans();
  };
  return {
    instrumentation,
    sdk,
    tracerProvider,
    allSpans,
    spans: () => allSpans().filter(isOurs),
    startAttributes: (span) => startAttributes.get(span),
    logs: () => {
      conformance.assertNoNewViolations();
      return logExporter.getFinishedLogRecords();
    },
    async metrics() {
      const { resourceMetrics, errors } = await metricReader.collect();
      if (errors.length) throw errors[0];
      return [resourceMetrics];
    },
    reset() {
      spanExporter.reset();
      logExporter.reset();
      startAttributes.clear();
    },
    async shutdown() {
      instrumentation.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
      contextManager.disable();
      context.disable();
      conformance.assertNone();
    },
  };
}

/** Data points of one metric, flattened, as `{ attributes, value }`. */
export function metricPoints(resourceMetrics: ResourceMetrics[], name: string): Array<{ attributes: Record<string, unknown>; value: any }> {
  const points: Array<{ attributes: Record<string, unknown>; value: any }> = [];
  for (const rm of resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.descriptor.name !== name) continue;
        for (const dp of m.dataPoints) points.push({ attributes: dp.attributes as Record<string, unknown>, value: dp.value });
      }
    }
  }
  return points;
}

/** The metric descriptors and their advised buckets, by name. */
export function metricByName(resourceMetrics: ResourceMetrics[], name: string) {
  for (const rm of resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) if (m.descriptor.name === name) return m;
  return undefined;
}
