/*
 * `node --import ./otel3-esm-preload.mjs app-otel3.mjs`: the preload an ESM app on the OpenTelemetry
 * 3.x line would have: the import-in-the-middle loader hook, then NodeSDK with this package's
 * instrumentations (in-memory exporters so the app can check what was recorded).
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { NodeSDK } from '@opentelemetry/sdk-node';
import * as sdkTrace from '@opentelemetry/sdk-trace';
import * as sdkMetrics from '@opentelemetry/sdk-metrics';
import * as sdkLogs from '@opentelemetry/sdk-logs';
import { getGenAIInstrumentations } from 'opentelemetry-instrumentation-genai';

const { inMemoryExporters } = createRequire(import.meta.url)('./compat-common.cjs');

// As in the OpenTelemetry docs; the runner starts the app with its folder as the working directory.
register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'));

const { spanExporter, metricReader, logExporter } = inMemoryExporters({ sdkTrace, sdkMetrics, sdkLogs });
const sdk = new NodeSDK({
  spanProcessors: [new sdkTrace.SimpleSpanProcessor({ exporter: spanExporter })],
  metricReaders: [metricReader],
  logRecordProcessors: [new sdkLogs.SimpleLogRecordProcessor({ exporter: logExporter })],
  instrumentations: getGenAIInstrumentations({ captureMessageContent: 'SPAN_AND_EVENT' }),
  resourceDetectors: [],
});
sdk.start();

globalThis.__genaiCompat = { sdk, spanExporter, metricReader, logExporter };
