/*
 * The jest hooks every Anthropic integration test file needs (the counterpart of openai-testbed.ts): a
 * loopback mock server speaking the Anthropic wire format, a telemetry pipeline with the
 * AnthropicInstrumentation patched into the `@anthropic-ai/sdk` module the test loads (`manuallyInstrument`,
 * as jest's module registry hides module loads from the require hook), the content-capture variable cleared,
 * and clients pointed at the mock server.
 *
 *   const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 *
 * Spans and log records of this package's instrumentation scopes are checked against the conventions
 * (test/helpers/conformance.ts) as in the openai suites. The SDK's own spans (scope
 * `com.anthropic.sdk.typescript`, when a test turns its native tracing on) are exported to the same
 * in-memory exporter but not checked: they are not ours and follow their own naming.
 */
import Anthropic from '@anthropic-ai/sdk';
import { context, propagation, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '../../src/providers/anthropic/instrumentation';
import { MockAnthropicServer } from '../mock-servers/anthropic-server';
import { ConformanceCollector } from './conformance';
import { CAPTURE_CONTENT_ENV, useClearedEnv } from './openai-testbed';

export { CAPTURE_CONTENT_ENV, withEnv } from './openai-testbed';

/** The instrumentation scope of this package's Anthropic spans, and the SDK's own. */
export const OUR_SCOPE = 'opentelemetry-instrumentation-genai/anthropic';
export const SDK_SCOPE = 'com.anthropic.sdk.typescript';

export type ClientOptions = NonNullable<ConstructorParameters<typeof Anthropic>[0]>;

export interface AnthropicTelemetry {
  instrumentation: AnthropicInstrumentation;
  tracerProvider: NodeTracerProvider;
  /** Every finished span (ours, the app's and, when turned on, the SDK's own). */
  allSpans(): ReadableSpan[];
  /** The finished spans of this package's instrumentation (the GenAI spans under test). */
  spans(): ReadableSpan[];
  /** The SDK's own spans (native tracing). */
  sdkSpans(): ReadableSpan[];
  logs(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  metrics(): Promise<ResourceMetrics[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

const isOurs = (span: ReadableSpan) => span.instrumentationScope.name.startsWith('opentelemetry-instrumentation-genai');

/** Forwards only this package's spans to the conformance checks. */
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

export function setupAnthropicTelemetry(
  config: AnthropicInstrumentationConfig = {},
  anthropicModule: unknown = require('@anthropic-ai/sdk'),
): AnthropicTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const conformance = new ConformanceCollector();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [oursOnly(conformance.spanProcessor), new SimpleSpanProcessor(spanExporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [metricReader] });

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [conformance.logRecordProcessor, new SimpleLogRecordProcessor({ exporter: logExporter } as never)] });

  const instrumentation = new AnthropicInstrumentation({ enabled: false, ...config });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.manuallyInstrument(anthropicModule);

  const all = () => {
    conformance.assertNoNewViolations();
    return spanExporter.getFinishedSpans();
  };
  return {
    instrumentation,
    tracerProvider,
    allSpans: all,
    spans: () => all().filter(isOurs),
    sdkSpans: () => all().filter((s) => s.instrumentationScope.name === SDK_SCOPE),
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

/** A loopback mock server for the enclosing block: started before its tests, reset after each, stopped after all. */
export function useAnthropicMockServer(): MockAnthropicServer {
  const server = new MockAnthropicServer();
  beforeAll(() => server.start());
  afterEach(() => server.reset());
  afterAll(() => server.stop());
  return server;
}

/** A telemetry pipeline for the enclosing block (one per block, or one per test); the result forwards to the current one. */
export function useAnthropicTelemetry(config: AnthropicInstrumentationConfig = {}, opts: { lifetime?: 'describe' | 'test' } = {}): AnthropicTelemetry {
  let current: AnthropicTelemetry | undefined;
  const setup = () => {
    current = setupAnthropicTelemetry(config);
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
  const tel = (): AnthropicTelemetry => {
    if (!current) throw new Error('no telemetry pipeline outside a test of the block that called useAnthropicTelemetry()');
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
    sdkSpans: () => tel().sdkSpans(),
    logs: () => tel().logs(),
    metrics: () => tel().metrics(),
    reset: () => tel().reset(),
    shutdown,
  };
}

/**
 * A client of the mock server that never retries. The SDK's own tracing is on (its default), but records
 * nothing: the tests register no global tracer provider. Tests of the SDK-span policy give it one
 * (`openTelemetry: { tracerProvider }`) or register one.
 */
export function mockAnthropicClient(server: MockAnthropicServer, opts: Partial<ClientOptions> = {}): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0, ...opts });
}

export interface AnthropicTestbed {
  server: MockAnthropicServer;
  tel: AnthropicTelemetry;
  client(opts?: Partial<ClientOptions>): Anthropic;
}

export function useAnthropicTestbed(
  opts: { config?: AnthropicInstrumentationConfig; lifetime?: 'describe' | 'test'; clearEnv?: readonly string[] } = {},
): AnthropicTestbed {
  useClearedEnv(opts.clearEnv ?? [CAPTURE_CONTENT_ENV, 'ANTHROPIC_OPEN_TELEMETRY', 'ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE', 'ANTHROPIC_BASE_URL']);
  const tel = useAnthropicTelemetry(opts.config, opts);
  const server = useAnthropicMockServer();
  return { server, tel, client: (clientOpts) => mockAnthropicClient(server, clientOpts) };
}

/** A minimal W3C `traceparent` propagator (what the SDK injects with), registered for the enclosing block. */
export function useTraceparentPropagator(): void {
  const propagator: TextMapPropagator = {
    inject(ctx: Context, carrier: unknown, setter: TextMapSetter) {
      const sc = trace.getSpanContext(ctx);
      if (!sc || !trace.isSpanContextValid(sc)) return;
      setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags.toString(16)}`);
    },
    extract: (ctx: Context, _carrier: unknown, _getter: TextMapGetter) => ctx,
    fields: () => ['traceparent'],
  };
  beforeAll(() => propagation.setGlobalPropagator(propagator));
  afterAll(() => propagation.disable());
}
