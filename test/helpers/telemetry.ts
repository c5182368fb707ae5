/*
 * Real OpenTelemetry SDK pipelines with in-memory exporters, and an openai instrumentation patched into
 * the `openai` module the test loads. Jest has its own module registry, so the require hook never sees
 * `openai` load inside jest: tests patch it with `manuallyInstrument` (the public path for bundled apps).
 * The module hooks themselves are proven by the child-process apps in test/apps/.
 */
import { context } from '@opentelemetry/api';
import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OpenAIInstrumentation } from '../../src';
import type { OpenAIInstrumentationConfig } from '../../src';
import { ConformanceCollector } from './conformance';

export interface TestTelemetry {
  instrumentation: OpenAIInstrumentation;
  /** The provider the instrumentation records to; apps' own spans (e.g. a parent span) can come from it too. */
  tracerProvider: NodeTracerProvider;
  spans(): ReadableSpan[];
  logs(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

export function setupTelemetry(config: OpenAIInstrumentationConfig = {}, openaiModule: unknown = require('openai')): TestTelemetry {
  const spanExporter = new InMemorySpanExporter();
  // Every GenAI span and log record is checked against the conventions (test/helpers/conformance.ts):
  // spans() and logs() throw on new violations, shutdown() throws if there ever was one.
  const conformance = new ConformanceCollector();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [conformance.spanProcessor, new SimpleSpanProcessor(spanExporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [conformance.logRecordProcessor, new SimpleLogRecordProcessor({ exporter: logExporter } as never)] });

  const instrumentation = new OpenAIInstrumentation({ enabled: false, ...config });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.manuallyInstrument(openaiModule);

  return {
    instrumentation,
    tracerProvider,
    spans: () => {
      conformance.assertNoNewViolations();
      return spanExporter.getFinishedSpans();
    },
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
