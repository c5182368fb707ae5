/*
 * The jest hooks every @google/genai integration test file needs: the loopback Gemini mock server, a
 * telemetry pipeline (real SDK pipelines with in-memory exporters, every GenAI span and log record
 * checked by the conformance collector) with a GoogleGenAIInstrumentation patched into the
 * `@google/genai` module the test loads, cleared environment variables, and clients of the mock server.
 *
 * Jest has its own module registry, so the require hook never sees `@google/genai` load inside jest:
 * the pipeline patches it with `manuallyInstrument` (the public path for bundled apps). The module hooks
 * themselves are proven by the child-process apps (test/integration/google-genai-module-systems.test.ts).
 *
 * GOOGLE_GENAI_SDK_DIR (see jest.config.js) points `@google/genai` at another installed copy.
 */
import { context } from '@opentelemetry/api';
import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { GoogleGenAI as GoogleGenAIType, GoogleGenAIOptions } from '@google/genai';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '../../src/providers/google-genai/instrumentation';
import { ConformanceCollector } from './conformance';
import { CAPTURE_CONTENT_ENV, useClearedEnv } from './openai-testbed';
import { MockGeminiServer } from '../mock-servers/gemini-server';
import { baseAttributes } from '../fixtures/gemini';

/** Environment variables the SDK or this package read: none may leak into a test. */
export const GEMINI_ENV = [
  CAPTURE_CONTENT_ENV,
  'GOOGLE_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_VERTEX_BASE_URL',
];

export interface GeminiTelemetry {
  instrumentation: GoogleGenAIInstrumentation;
  tracerProvider: NodeTracerProvider;
  spans(): ReadableSpan[];
  logs(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

/** The `@google/genai` module the tests use (the copy in GOOGLE_GENAI_SDK_DIR when set). */
export function genaiModule(): typeof import('@google/genai') {
  shareUndiciDispatcher();
  return require('@google/genai');
}

/**
 * Jest runs a test file in a vm context whose globalThis is not Node's. @google/genai (2.x+) looks up
 * Node's fetch dispatcher on globalThis (`Symbol.for('undici.globalDispatcher.1')`), which Node sets on
 * its own global only: copy it into the test context, as any Node app would see it.
 */
function shareUndiciDispatcher(): void {
  const key = Symbol.for('undici.globalDispatcher.1');
  const here = globalThis as Record<symbol, unknown>;
  if (here[key]) return;
  // A Node built-in's constructor is the main realm's Function: it evaluates in Node's own global.
  const nodeGlobal = (Buffer as unknown as { constructor: FunctionConstructor }).constructor('return globalThis')() as Record<symbol, unknown> & {
    Headers: new () => unknown;
  };
  if (!nodeGlobal[key]) new nodeGlobal.Headers(); // Node initialises fetch (and its dispatcher) lazily
  here[key] = nodeGlobal[key];
}

export function setupGeminiTelemetry(config: GoogleGenAIInstrumentationConfig = {}, sdkModule: unknown = genaiModule()): GeminiTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const conformance = new ConformanceCollector();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [conformance.spanProcessor, new SimpleSpanProcessor(spanExporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [conformance.logRecordProcessor, new SimpleLogRecordProcessor({ exporter: logExporter } as never)] });

  const instrumentation = new GoogleGenAIInstrumentation({ enabled: false, ...config });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.manuallyInstrument(sdkModule);

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

export interface GeminiTestbed {
  server: MockGeminiServer;
  tel: GeminiTelemetry;
  /** A Gemini Developer API client of the mock server (API key). */
  client(opts?: Partial<GoogleGenAIOptions>): GoogleGenAIType;
  /** A Vertex AI client of the mock server (express mode: API key, no Google Cloud credentials needed). */
  vertexClient(opts?: Partial<GoogleGenAIOptions>): GoogleGenAIType;
  baseAttributes(operation: string, model: string, provider?: string): Record<string, unknown>;
}

export interface GeminiTestbedOptions {
  config?: GoogleGenAIInstrumentationConfig;
  /** `describe` (default): one pipeline per block, spans and logs cleared before each test; `test`: one per test. */
  lifetime?: 'describe' | 'test';
}

export function useGeminiTestbed(opts: GeminiTestbedOptions = {}): GeminiTestbed {
  useClearedEnv(GEMINI_ENV);
  const config = opts.config ?? {};
  let current: GeminiTelemetry | undefined;
  const setup = () => {
    current = setupGeminiTelemetry(config);
  };
  const shutdown = async () => {
    const t = current;
    current = undefined;
    await t?.shutdown();
  };
  if (opts.lifetime === 'test') {
    beforeEach(setup);
    afterEach(shutdown);
  } else {
    beforeAll(setup);
    beforeEach(() => {
      now().reset();
      now().instrumentation.setConfig(config);
    });
    afterAll(shutdown);
  }
  const now = (): GeminiTelemetry => {
    if (!current) throw new Error('no telemetry pipeline outside a test of the block that called useGeminiTestbed()');
    return current;
  };
  const tel: GeminiTelemetry = {
    get instrumentation() {
      return now().instrumentation;
    },
    get tracerProvider() {
      return now().tracerProvider;
    },
    spans: () => now().spans(),
    logs: () => now().logs(),
    metrics: () => now().metrics(),
    reset: () => now().reset(),
    shutdown,
  };

  const server = new MockGeminiServer();
  beforeAll(() => server.start());
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  return {
    server,
    tel,
    client: (clientOpts = {}) =>
      new (genaiModule().GoogleGenAI)({ apiKey: 'test-key', ...clientOpts, httpOptions: { baseUrl: server.baseUrl, ...clientOpts.httpOptions } }),
    vertexClient: (clientOpts = {}) =>
      new (genaiModule().GoogleGenAI)({ vertexai: true, apiKey: 'test-key', ...clientOpts, httpOptions: { baseUrl: server.baseUrl, ...clientOpts.httpOptions } }),
    baseAttributes: (operation, model, provider) => baseAttributes(server, operation, model, provider),
  };
}
