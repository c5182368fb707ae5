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
  /** Set to an array to keep every item exported (a verification call), unset to drop them again. */
  kept = undefined;
  export(items, done) {
    this.count += items.length;
    if (items.length) this.last = items[items.length - 1];
    this.kept?.push(...items);
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

/**
 * One process-wide setup: the diag logger that collects warnings and errors, and the AsyncLocalStorage
 * context manager. Idempotent: several pipeline sets (one per arm in bench/peers.mjs) share it.
 */
let globals;
export function installGlobals() {
  if (globals) return globals;
  const api = require('@opentelemetry/api');
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
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  globals = { api, diagProblems };
  return globals;
}

/** The process-wide globals and one set of trace, metric and log pipelines (see createSignalPipelines). */
export function createPipelines() {
  return { ...installGlobals(), ...createSignalPipelines() };
}

/**
 * One set of real SDK providers with dropping exporters: NodeTracerProvider + BatchSpanProcessor,
 * MeterProvider + PeriodicExportingMetricReader (60 s, so it never fires during a run), LoggerProvider +
 * BatchLogRecordProcessor. Nothing is registered globally: an instrumentation gets them by its set*Provider.
 */
export function createSignalPipelines() {
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');

  const spanExporter = new DroppingExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const metricReader = new PeriodicExportingMetricReader({ exporter: new DroppingExporter(), exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  const logExporter = new DroppingExporter();
  const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: logExporter })] });

  /** Recordings so far per histogram name (cumulative temporality: counts only grow). */
  async function histogramCounts() {
    const { resourceMetrics, errors } = await metricReader.collect();
    if (errors.length) throw errors[0];
    const counts = {};
    for (const sm of resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const dp of m.dataPoints) {
          if (typeof dp.value?.count === 'number') counts[m.descriptor.name] = (counts[m.descriptor.name] ?? 0) + dp.value.count;
        }
      }
    }
    return counts;
  }

  return {
    spanExporter,
    logExporter,
    metricReader,
    tracerProvider,
    meterProvider,
    loggerProvider,
    flush: () => Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]),
    shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]),
    histogramCounts,
    /** Count of gen_ai.client.operation.duration recordings so far. */
    async durationCount() {
      return (await histogramCounts())['gen_ai.client.operation.duration'] ?? 0;
    },
  };
}
