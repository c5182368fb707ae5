/*
 * Compat app for the OpenTelemetry JS 3.x line: @opentelemetry/api 1.10 (which carries the Logs API
 * itself), sdk-trace 3.x (TracerProvider; no sdk-trace-node), sdk-metrics 3.x, sdk-logs 3.x,
 * instrumentation 0.30x, sdk-node 0.30x. Run by scripts/test-otel-lines.mjs from
 * .cache/otel-lines/otel-3.x/, where that line is installed with the packed
 * opentelemetry-instrumentation-genai and openai@7. Needs Node >= 22.15.
 *
 *   node app-otel3.cjs <scenario>
 *
 * Scenarios: nodesdk, register-providers, global-register, global-late, global-only (how each wires the
 * SDK and the instrumentations, all before require('openai'): SCENARIOS in compat-common.cjs). This file
 * holds what is particular to the line; runScenarioApp does the wiring and the checks. The global
 * providers are @opentelemetry/api 1.10's, so in global-only the logger comes from the API's own `logs`
 * global.
 */
'use strict';
const api = require('@opentelemetry/api');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const sdkTrace = require('@opentelemetry/sdk-trace');
const sdkMetrics = require('@opentelemetry/sdk-metrics');
const sdkLogs = require('@opentelemetry/sdk-logs');
const { getGenAIInstrumentations } = require('opentelemetry-instrumentation-genai');
const { pkgVersion, runScenarioApp } = require('./compat-common.cjs');

runScenarioApp({
  line: 'otel-3.x',
  check() {
    if (typeof api.logs?.setGlobalLoggerProvider !== 'function') {
      throw new Error(`@opentelemetry/api ${pkgVersion('@opentelemetry/api')} has no logs API; not the 3.x line`);
    }
  },
  sdk: { sdkTrace, sdkMetrics, sdkLogs },
  // 3.x span processors take { exporter }; the tracer provider is sdk-trace's own.
  tracerProvider: (spanExporter) => new sdkTrace.TracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor({ exporter: spanExporter })] }),
  nodeSDK: ({ spanExporter, metricReader }) => ({
    NodeSDK: require('@opentelemetry/sdk-node').NodeSDK,
    spanProcessors: [new sdkTrace.SimpleSpanProcessor({ exporter: spanExporter })],
    metricReaders: [metricReader],
  }),
  setGlobals({ tracerProvider, meterProvider, loggerProvider }) {
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    api.trace.setGlobalTracerProvider(tracerProvider);
    api.metrics.setGlobalMeterProvider(meterProvider);
    api.logs.setGlobalLoggerProvider(loggerProvider);
  },
  registerInstrumentations,
  instrumentations: () => getGenAIInstrumentations({ captureMessageContent: 'SPAN_AND_EVENT' }),
  requireOpenAI: () => require('openai'),
});
