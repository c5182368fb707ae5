/*
 * Compat app for the OpenTelemetry JS 2.x line: @opentelemetry/api 1.9, sdk-trace-node 2.x, sdk-metrics
 * 2.x, sdk-logs 0.2xx (Logs API in @opentelemetry/api-logs), instrumentation 0.2xx, sdk-node 0.2xx.
 * Run by scripts/test-otel-lines.mjs from .cache/otel-lines/otel-2.x/, where that line is installed with
 * the packed opentelemetry-instrumentation-genai and openai@7.
 *
 *   node app-otel2.cjs <scenario>
 *
 * Scenarios: nodesdk, register-providers, global-register, global-late, global-only (how each wires the
 * SDK and the instrumentations, all before require('openai'): SCENARIOS in compat-common.cjs). This file
 * holds what is particular to the line; runScenarioApp does the wiring and the checks.
 */
'use strict';
const api = require('@opentelemetry/api');
const { logs } = require('@opentelemetry/api-logs');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const sdkTrace = require('@opentelemetry/sdk-trace-base');
const sdkMetrics = require('@opentelemetry/sdk-metrics');
const sdkLogs = require('@opentelemetry/sdk-logs');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { getGenAIInstrumentations } = require('opentelemetry-instrumentation-genai');
const { runScenarioApp } = require('./compat-common.cjs');

runScenarioApp({
  line: 'otel-2.x',
  sdk: { sdkTrace, sdkMetrics, sdkLogs },
  // 2.x span processors take the exporter itself.
  tracerProvider: (spanExporter) => new NodeTracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)] }),
  nodeSDK: ({ spanExporter, metricReader }) => ({
    NodeSDK: require('@opentelemetry/sdk-node').NodeSDK,
    spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)],
    metricReader,
  }),
  setGlobals({ tracerProvider, meterProvider, loggerProvider }) {
    // register(): global tracer provider, propagator and the AsyncLocalStorage context manager.
    tracerProvider.register();
    api.metrics.setGlobalMeterProvider(meterProvider);
    logs.setGlobalLoggerProvider(loggerProvider);
  },
  registerInstrumentations,
  instrumentations: () => getGenAIInstrumentations({ captureMessageContent: 'SPAN_AND_EVENT' }),
  requireOpenAI: () => require('openai'),
});
