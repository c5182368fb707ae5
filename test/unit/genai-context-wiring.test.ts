import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Invocation } from '../../src/core/invocation';
import { createGenAIInstruments } from '../../src/core/instruments';
import { withGenAIContext } from '../../src';
import type { GenAITelemetry } from '../../src/core/telemetry';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';

class R extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE }); }
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}
beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));

it('invocation carries GenAI context metadata on span, event and metrics; capture override applies', async () => {
  const exporter = new InMemorySpanExporter();
  const reader = new R();
  const events: any[] = [];
  const telemetry: GenAITelemetry = {
    tracer: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t'),
    instruments: createGenAIInstruments(new MeterProvider({ readers: [reader] }).getMeter('m')),
    eventLogger: { emit: (r) => void events.push(r.attributes) },
    captureMode: 'SPAN_AND_EVENT',
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  const req = { operation: 'chat' as const, provider: 'openai', requestModel: 'm', params: {}, content: () => ({ inputMessages: [] }) };
  const meta = { conversationId: 'c', userId: 'u', promptName: 'p', environment: 'prod', attributes: { team: 'x' } };
  const inv = withGenAIContext(meta, () => new Invocation(telemetry, req));
  await new Promise((r) => setTimeout(r, 1));
  inv.end({ responseModel: 'm' });
  expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({
    'genai_app.team': 'x', 'gen_ai.conversation.id': 'c', 'gen_ai.prompt.name': 'p', 'user.id': 'u', 'deployment.environment.name': 'prod',
    'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm', 'gen_ai.response.model': 'm',
    'gen_ai.input.messages': '[]',
  });
  expect(events[0]['user.id']).toBe('u');
  const { resourceMetrics } = await reader.collect();
  const dp = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration')!.dataPoints[0]!;
  expect(dp.attributes).toEqual({ 'gen_ai.prompt.name': 'p', 'deployment.environment.name': 'prod', 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm', 'gen_ai.response.model': 'm' });

  const off = withGenAIContext({ captureMessageContent: false }, () => new Invocation(telemetry, { ...req, conversationId: 'sdk-conv' }));
  off.end({});
  const s2 = exporter.getFinishedSpans()[1]!;
  expect(s2.attributes['gen_ai.input.messages']).toBeUndefined();
  expect(events).toHaveLength(1);
  // SDK-level conversation id wins over the GenAI context's
  const both = withGenAIContext({ conversationId: 'scope-conv' }, () => new Invocation(telemetry, { ...req, conversationId: 'sdk-conv' }));
  both.end({});
  expect(exporter.getFinishedSpans()[2]!.attributes['gen_ai.conversation.id']).toBe('sdk-conv');
});
