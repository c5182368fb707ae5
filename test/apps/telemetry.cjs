/*
 * Shared by the module-system apps (<provider>-cjs-app.cjs, <provider>-esm-preload.mjs with
 * <provider>-esm-app.mjs): a real OpenTelemetry SDK (2.x line, the repo's devDependencies) with in-memory
 * exporters, the registration of the instrumentations before the SDK under test loads, and the one
 * result line the jest test parses (test/helpers/child-app.ts). CommonJS so that both the CJS apps and
 * the ESM preloads and apps can load it. Each <provider>-common.cjs has what the provider's apps register
 * and the calls they make.
 *
 * Env (read here): GENAI_APP_REGISTER=0 for the negative control (the SDK is set up, but neither hook nor
 * instrumentation registered); GENAI_APP_ESM_HOOK=0 registers the instrumentations but not the ESM loader
 * hook.
 */
'use strict';
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const sdkTrace = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const sdkMetrics = require('@opentelemetry/sdk-metrics');
const sdkLogs = require('@opentelemetry/sdk-logs');
// SDK-free helpers shared with the OpenTelemetry-line compat apps.
const { inMemoryExporters, isWrapped } = require('../compat/compat-common.cjs');

/** Marks the one stdout line the jest test parses. */
const { RESULT_MARKER, requiredEnv, runMain } = require('./app-result.cjs');

function setupSdk() {
  const { spanExporter, metricReader, logExporter } = inMemoryExporters({ sdkTrace, sdkMetrics, sdkLogs });
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)] });
  // register(): global tracer provider, propagator and the AsyncLocalStorage context manager.
  tracerProvider.register();
  const meterProvider = new sdkMetrics.MeterProvider({ readers: [metricReader] });
  const loggerProvider = new sdkLogs.LoggerProvider({ processors: [new sdkLogs.SimpleLogRecordProcessor({ exporter: logExporter })] });

  async function collect() {
    const { resourceMetrics } = await metricReader.collect();
    const metrics = [];
    for (const sm of resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) metrics.push({ name: m.descriptor.name, scope: sm.scope.name, points: m.dataPoints.length });
    }
    return {
      spans: spanExporter.getFinishedSpans().map((s) => ({
        name: s.name,
        kind: s.kind,
        scope: s.instrumentationScope.name,
        spanId: s.spanContext().spanId,
        parentSpanId: s.parentSpanContext?.spanId,
        status: s.status,
        attributes: s.attributes,
      })),
      metrics,
      logs: logExporter.getFinishedLogRecords().map((l) => ({ eventName: l.eventName, attributes: l.attributes })),
    };
  }

  async function shutdown() {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
  }

  /** The spans ended so far (synchronous: usable in a process 'exit' handler). */
  const finishedSpans = () => spanExporter.getFinishedSpans();

  return { tracerProvider, meterProvider, loggerProvider, collect, finishedSpans, shutdown };
}

/**
 * Sets up the SDK and, unless GENAI_APP_REGISTER=0, registers `instrumentations()` with it, as a user
 * would before the first require of the SDK under test (so require-in-the-middle patches it as it loads);
 * `beforeRegistering` runs first. Returns `{ sdk, registered }`.
 */
function startApp(instrumentations, beforeRegistering = () => {}) {
  const sdk = setupSdk();
  const registered = process.env.GENAI_APP_REGISTER !== '0';
  if (registered) {
    beforeRegistering();
    registerInstrumentations({
      instrumentations: instrumentations(),
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
  }
  return { sdk, registered };
}

/**
 * What an ESM app's `node --import` preload does, before the app's static imports are evaluated: what
 * startApp does, registering import-in-the-middle's loader hook first (limited to `include` when given,
 * as the README advises; not with GENAI_APP_ESM_HOOK=0). The app reads the result with preloaded().
 */
function preloadEsm(instrumentations, include) {
  globalThis.__genaiTestSdk = startApp(instrumentations, () => {
    // As in the OpenTelemetry docs (`register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'))`),
    // resolved from this folder rather than the working directory.
    if (process.env.GENAI_APP_ESM_HOOK !== '0') register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), include && { data: { include } });
  });
}

/** The `{ sdk, registered }` the preload left (see preloadEsm). */
function preloaded(preloadFile) {
  const state = globalThis.__genaiTestSdk;
  if (!state) throw new Error(`run with --import ./${preloadFile}`);
  return state;
}

/**
 * Prints the result line: `{ app, registered }`, the app's own `fields()` (read once the recorded
 * telemetry is collected, after the calls) and the recorded spans, metrics and logs; then shuts the SDK down.
 */
async function report({ sdk, registered }, app, fields) {
  const recorded = await sdk.collect();
  process.stdout.write(RESULT_MARKER + JSON.stringify({ app, registered, ...fields(), ...recorded }) + '\n');
  await sdk.shutdown();
}

module.exports = { RESULT_MARKER, isWrapped, preloadEsm, preloaded, report, requiredEnv, runMain, setupSdk, startApp };
