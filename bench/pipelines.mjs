/*
 * The real OTel SDK pipelines the benchmarks run the instrumentations against, with exporters that count
 * and drop (so memory stays flat and the exporters' own serialisation is not measured). Instrumentation
 * warnings and errors are collected: an instrumentation that fails goes on untraced and would look cheap.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Counts what it is given and drops it; keeps only the last item, for spot checks. */
export class DroppingExporter {
  count = 0;
  last = undefined;
  export(items, done) {
    this.count += items.length;
    if (items.length) this.last = items[items.length - 1];
    done({ code: 0 });
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** Drops a set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: the benchmark sets the mode itself. */
export function clearCaptureEnv() {
  const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
  if (process.env[CAPTURE_ENV] !== undefined) {
    process.stderr.write(`note: ignoring ${CAPTURE_ENV}=${process.env[CAPTURE_ENV]} for the benchmark\n`);
    delete process.env[CAPTURE_ENV];
  }
}

export function createPipelines() {
  const api = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');

  const diagProblems = [];
  api.diag.setLogger(
    {
      error: (...a) => diagProblems.push(`error: ${a.map(String).join(' ')}`),
      warn: (...a) => diagProblems.push(`warn: ${a.map(String).join(' ')}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    api.DiagLogLevel.WARN,
  );
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  const spanExporter = new DroppingExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const metricReader = new PeriodicExportingMetricReader({ exporter: new DroppingExporter(), exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  const logExporter = new DroppingExporter();
  const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: logExporter })] });

  return {
    api,
    diagProblems,
    spanExporter,
    logExporter,
    metricReader,
    tracerProvider,
    meterProvider,
    loggerProvider,
    flush: () => Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]),
    shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]),
    /** Count of gen_ai.client.operation.duration recordings so far. */
    async durationCount() {
      const { resourceMetrics, errors } = await metricReader.collect();
      if (errors.length) throw errors[0];
      let count = 0;
      for (const sm of resourceMetrics.scopeMetrics) {
        for (const m of sm.metrics) {
          if (m.descriptor.name === 'gen_ai.client.operation.duration') for (const dp of m.dataPoints) count += dp.value.count;
        }
      }
      return count;
    },
  };
}
