/*
 * Compat app for the OpenTelemetry JS 3.x line: @opentelemetry/api 1.10 (which carries the Logs API
 * itself), sdk-trace 3.x (TracerProvider; no sdk-trace-node), sdk-metrics 3.x, sdk-logs 3.x,
 * instrumentation 0.30x, sdk-node 0.30x. Run by scripts/test-otel-lines.mjs from
 * .cache/otel-lines/otel-3.x/, where that line is installed with the packed
 * opentelemetry-instrumentation-genai and openai@7. Needs Node >= 22.15.
 *
 *   node app-otel3.cjs <scenario>
 *
 * Scenarios (all wiring happens before require('openai')):
 *   nodesdk             new NodeSDK({ spanProcessors, metricReaders, logRecordProcessors, instrumentations }).start()
 *   register-providers  registerInstrumentations({ tracerProvider, meterProvider, loggerProvider }); no globals
 *   global-register     global providers (api 1.10) first, then registerInstrumentations({ instrumentations }) alone
 *   global-late         registerInstrumentations({ instrumentations }) first, global providers after (as
 *                       NodeSDK orders it); metrics are not checked here (the Metrics API has no proxy)
 *   global-only         global providers, instrumentations only constructed (enabled by their constructor): the
 *                       logger comes from @opentelemetry/api's own `logs` global
 */
'use strict';
const api = require('@opentelemetry/api');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');
const { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { getGenAIInstrumentations } = require('opentelemetry-instrumentation-genai');
const { pkgVersion, startMockServer, chatOnce, checkTelemetry, finish, runMain, isWrapped } = require('./compat-common.cjs');

const SCENARIOS = ['nodesdk', 'register-providers', 'global-register', 'global-late', 'global-only'];
const scenario = process.argv[2];
const label = `otel-3.x ${scenario}`;
const CONFIG = { captureMessageContent: 'SPAN_AND_EVENT' };

runMain(label, async () => {
  if (!SCENARIOS.includes(scenario)) throw new Error(`scenario must be one of ${SCENARIOS.join(', ')}`);
  if (typeof api.logs?.setGlobalLoggerProvider !== 'function') {
    throw new Error(`@opentelemetry/api ${pkgVersion('@opentelemetry/api')} has no logs API; not the 3.x line`);
  }
  const spanExporter = new InMemorySpanExporter();
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const logExporter = new InMemoryLogRecordExporter();
  let shutdown;

  if (scenario === 'nodesdk') {
    const { NodeSDK } = require('@opentelemetry/sdk-node');
    const sdk = new NodeSDK({
      spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
      metricReaders: [metricReader],
      logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
      instrumentations: getGenAIInstrumentations(CONFIG),
      resourceDetectors: [],
    });
    sdk.start();
    shutdown = () => sdk.shutdown();
  } else {
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] });
    const meterProvider = new MeterProvider({ readers: [metricReader] });
    const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
    const setGlobals = () => {
      api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      api.trace.setGlobalTracerProvider(tracerProvider);
      api.metrics.setGlobalMeterProvider(meterProvider);
      api.logs.setGlobalLoggerProvider(loggerProvider);
    };
    if (scenario === 'register-providers') {
      registerInstrumentations({ instrumentations: getGenAIInstrumentations(CONFIG), tracerProvider, meterProvider, loggerProvider });
    } else if (scenario === 'global-register') {
      setGlobals();
      registerInstrumentations({ instrumentations: getGenAIInstrumentations(CONFIG) });
    } else if (scenario === 'global-late') {
      registerInstrumentations({ instrumentations: getGenAIInstrumentations(CONFIG) });
      setGlobals();
    } else {
      setGlobals();
      getGenAIInstrumentations(CONFIG);
    }
    shutdown = () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
  }

  const OpenAI = require('openai');
  const mock = await startMockServer();
  try {
    const replyText = await chatOnce(OpenAI, mock.baseURL);
    const { resourceMetrics } = await metricReader.collect();
    const problems = checkTelemetry({
      spans: spanExporter.getFinishedSpans(),
      resourceMetrics,
      logs: logExporter.getFinishedLogRecords(),
      port: mock.port,
      replyText,
      // The Metrics API has no proxy provider: instruments made before a global MeterProvider exists stay
      // no-ops, for every OpenTelemetry JS instrumentation (NodeSDK re-sets the meter provider for this).
      metrics: scenario !== 'global-late',
    });
    if (!isWrapped(OpenAI.Chat.Completions.prototype.create)) problems.unshift('openai chat.completions.create is not wrapped');
    finish(label, problems, {
      api: pkgVersion('@opentelemetry/api'),
      openai: pkgVersion('openai'),
    });
  } finally {
    await mock.close();
    await shutdown();
  }
});
