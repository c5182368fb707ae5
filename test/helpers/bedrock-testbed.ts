/*
 * The jest hooks every Bedrock integration test file needs (the counterpart of openai-testbed.ts): the
 * loopback Bedrock mock server, a telemetry pipeline with the BedrockRuntimeInstrumentation patched into
 * the `@aws-sdk/client-bedrock-runtime` module the test loads (`manuallyInstrument`: jest's module registry
 * hides module loads from the require hook), the content-capture variable cleared, and clients of the mock
 * server (region us-east-1, static fake credentials, no retries).
 *
 *   const { server, tel, client } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 *
 * Spans and log records of this package's instrumentation scopes are checked against the conventions
 * (test/helpers/conformance.ts); other spans a test makes (a stand-in for the AWS SDK instrumentation's,
 * transport spans) go to the same exporter unchecked.
 */
import { BedrockRuntime, BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BedrockRuntimeInstrumentation, type BedrockRuntimeInstrumentationConfig } from '../../src/providers/bedrock/instrumentation';
import { MockBedrockServer } from '../mock-servers/bedrock-server';
import { ConformanceCollector } from './conformance';
import { CAPTURE_CONTENT_ENV, useClearedEnv } from './openai-testbed';

export { CAPTURE_CONTENT_ENV, withEnv } from './openai-testbed';

export const OUR_SCOPE = 'opentelemetry-instrumentation-genai/bedrock-runtime';

export interface BedrockTelemetry {
  instrumentation: BedrockRuntimeInstrumentation;
  tracerProvider: NodeTracerProvider;
  /** Every finished span (ours and any other the test made). */
  allSpans(): ReadableSpan[];
  /** The finished spans of this package's instrumentation. */
  spans(): ReadableSpan[];
  /** The attributes a span had when it started (what a sampler sees). */
  startAttributes(span: ReadableSpan): Record<string, unknown> | undefined;
  logs(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

const isOurs = (span: ReadableSpan) => span.instrumentationScope.name.startsWith('opentelemetry-instrumentation-genai');

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

export function setupBedrockTelemetry(
  config: BedrockRuntimeInstrumentationConfig = {},
  bedrockModule: unknown = require('@aws-sdk/client-bedrock-runtime'),
): BedrockTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const conformance = new ConformanceCollector();
  const atStart = new Map<string, Record<string, unknown>>();
  const startRecorder: SpanProcessor = {
    onStart: (span) => void atStart.set(span.spanContext().spanId, { ...span.attributes }),
    onEnd: () => undefined,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracerProvider = new NodeTracerProvider({
    spanProcessors: [startRecorder, oursOnly(conformance.spanProcessor), new SimpleSpanProcessor(spanExporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [conformance.logRecordProcessor, new SimpleLogRecordProcessor({ exporter: logExporter } as never)] });

  const instrumentation = new BedrockRuntimeInstrumentation({ enabled: false, ...config });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.manuallyInstrument(bedrockModule);

  const all = () => {
    conformance.assertNoNewViolations();
    return spanExporter.getFinishedSpans();
  };
  return {
    instrumentation,
    tracerProvider,
    allSpans: all,
    spans: () => all().filter(isOurs),
    startAttributes: (span) => atStart.get(span.spanContext().spanId),
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
      atStart.clear();
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

export function useBedrockMockServer(): MockBedrockServer {
  const server = new MockBedrockServer();
  beforeAll(() => server.start());
  afterEach(() => server.reset());
  afterAll(() => server.stop());
  return server;
}

export function useBedrockTelemetry(config: BedrockRuntimeInstrumentationConfig = {}, opts: { lifetime?: 'describe' | 'test' } = {}): BedrockTelemetry {
  let current: BedrockTelemetry | undefined;
  const setup = () => {
    current = setupBedrockTelemetry(config);
  };
  const shutdown = async () => {
    const tel = current;
    current = undefined;
    await tel?.shutdown();
  };
  if (opts.lifetime === 'test') {
    beforeEach(setup);
    afterEach(shutdown);
  } else {
    beforeAll(setup);
    beforeEach(() => {
      tel().reset();
      tel().instrumentation.setConfig(config);
    });
    afterAll(shutdown);
  }
  const tel = (): BedrockTelemetry => {
    if (!current) throw new Error('no telemetry pipeline outside a test of the block that called useBedrockTelemetry()');
    return current;
  };
  return {
    get instrumentation() {
      return tel().instrumentation;
    },
    get tracerProvider() {
      return tel().tracerProvider;
    },
    allSpans: () => tel().allSpans(),
    spans: () => tel().spans(),
    startAttributes: (span) => tel().startAttributes(span),
    logs: () => tel().logs(),
    metrics: () => tel().metrics(),
    reset: () => tel().reset(),
    shutdown,
  };
}

export const REGION = 'us-east-1';
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export function clientConfig(server: MockBedrockServer, opts: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClientConfig {
  return { endpoint: server.endpoint, region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1, ...opts };
}

export interface BedrockTestbed {
  server: MockBedrockServer;
  tel: BedrockTelemetry;
  /** A new BedrockRuntimeClient of the mock server. */
  client(opts?: Partial<BedrockRuntimeClientConfig>): BedrockRuntimeClient;
  /** A new aggregated BedrockRuntime client (`converse()`, `invokeModel()`, ...) of the mock server. */
  aggregated(opts?: Partial<BedrockRuntimeClientConfig>): BedrockRuntime;
  /** The attributes every span of a call to the mock server carries, plus `extra`. */
  baseAttributes(operation: string, model: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

const CLEARED_ENV = [CAPTURE_CONTENT_ENV, 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_REGION', 'AWS_PROFILE'];

export function useBedrockTestbed(
  opts: { config?: BedrockRuntimeInstrumentationConfig; lifetime?: 'describe' | 'test'; clearEnv?: readonly string[] } = {},
): BedrockTestbed {
  useClearedEnv(opts.clearEnv ?? CLEARED_ENV);
  const tel = useBedrockTelemetry(opts.config, opts);
  const server = useBedrockMockServer();
  return {
    server,
    tel,
    client: (clientOpts) => new BedrockRuntimeClient(clientConfig(server, clientOpts)),
    aggregated: (clientOpts) => new BedrockRuntime(clientConfig(server, clientOpts)),
    baseAttributes: (operation, model, extra = {}) => ({
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': model,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      ...extra,
    }),
  };
}
