/* Invocation.setServer: server.address / server.port learned after the span started (e.g. the AWS SDK's async endpoint). */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Invocation } from '../../src/core/invocation';
import { createGenAIInstruments } from '../../src/core/instruments';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import type { EventLogger, GenAITelemetry } from '../../src/core/telemetry';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const events: Array<Record<string, unknown>> = [];
  const eventLogger: EventLogger = { emit: (record) => void events.push(record.attributes ?? {}) };
  const telemetry: GenAITelemetry = {
    tracer: provider.getTracer('test'),
    instruments: createGenAIInstruments(meterProvider.getMeter('test')),
    eventLogger,
    captureMode: 'EVENT_ONLY',
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  return { telemetry, exporter, reader, events };
}

it('puts the server on the span, the metrics and the details event; ignored once the call ended', async () => {
  const { telemetry, exporter, reader, events } = setup();
  const invocation = new Invocation(telemetry, { operation: 'chat', provider: 'aws.bedrock', requestModel: 'm', params: {}, content: () => ({}) });
  invocation.setServer('bedrock-runtime.eu-west-1.amazonaws.com', 443);
  invocation.end({});
  invocation.setServer('other.example', 1);

  const server = { 'server.address': 'bedrock-runtime.eu-west-1.amazonaws.com', 'server.port': 443 };
  expect(exporter.getFinishedSpans()[0]!.attributes).toMatchObject(server);
  expect(events[0]).toMatchObject(server);
  const { resourceMetrics } = await reader.collect();
  const duration = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration')!;
  expect(duration.dataPoints[0]!.attributes).toMatchObject(server);
});

it('with a provider, names it on the span, the metrics and the details event (a host that names the provider)', async () => {
  const { telemetry, exporter, reader, events } = setup();
  const invocation = new Invocation(telemetry, { operation: 'chat', provider: 'my-gateway', requestModel: 'm', params: {}, content: () => ({}) });
  invocation.setServer('api.groq.com', 443, 'groq');
  invocation.end({});

  const expected = { 'gen_ai.provider.name': 'groq', 'server.address': 'api.groq.com', 'server.port': 443 };
  expect(exporter.getFinishedSpans()[0]!.attributes).toMatchObject(expected);
  expect(events[0]).toMatchObject(expected);
  const { resourceMetrics } = await reader.collect();
  const duration = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration')!;
  expect(duration.dataPoints[0]!.attributes).toMatchObject(expected);
});
