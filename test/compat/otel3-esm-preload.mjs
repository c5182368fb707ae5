/*
 * `node --import ./otel3-esm-preload.mjs app-otel3.mjs`: the preload an ESM app on the OpenTelemetry
 * 3.x line would have: the import-in-the-middle loader hook, then NodeSDK with this package's
 * instrumentations (in-memory exporters so the app can check what was recorded).
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { getGenAIInstrumentations } from 'opentelemetry-instrumentation-genai';

// As in the OpenTelemetry docs; the runner starts the app with its folder as the working directory.
register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'));

const spanExporter = new InMemorySpanExporter();
const metricReader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const logExporter = new InMemoryLogRecordExporter();
const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  metricReaders: [metricReader],
  logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  instrumentations: getGenAIInstrumentations({ captureMessageContent: 'SPAN_AND_EVENT' }),
  resourceDetectors: [],
});
sdk.start();

globalThis.__genaiCompat = { sdk, spanExporter, metricReader, logExporter };
