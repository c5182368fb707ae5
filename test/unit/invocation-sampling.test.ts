import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Invocation } from '../../src/core/invocation';
import { createGenAIInstruments } from '../../src/core/instruments';
import type { CaptureMode } from '../../src/core/content-mode';
import type { EventLogger, GenAITelemetry } from '../../src/core/telemetry';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import type { InvocationRequest } from '../../src/core/model';

function telemetryWith(sampler: AlwaysOffSampler | AlwaysOnSampler, captureMode: CaptureMode) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const events: Array<Record<string, unknown>> = [];
  const eventLogger: EventLogger = { emit: (record) => void events.push(record.attributes ?? {}) };
  const telemetry: GenAITelemetry = {
    tracer: provider.getTracer('test'),
    instruments: createGenAIInstruments(new MeterProvider().getMeter('test')),
    eventLogger,
    captureMode,
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  return { telemetry, exporter, events };
}

function request(onContent: () => void): InvocationRequest {
  return {
    operation: 'chat',
    provider: 'openai',
    requestModel: 'm',
    params: {},
    content: () => {
      onContent();
      return { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] };
    },
  };
}

describe('content work follows sampling', () => {
  it('SPAN_ONLY and a sampled-out span: request content is never converted, nothing is emitted', () => {
    const { telemetry, exporter, events } = telemetryWith(new AlwaysOffSampler(), 'SPAN_ONLY');
    let conversions = 0;
    const invocation = new Invocation(telemetry, request(() => conversions++));
    invocation.end({ outputMessages: () => (conversions++, []) });
    expect(conversions).toBe(0);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('SPAN_AND_EVENT and a sampled-out span: the details event still carries the content', () => {
    const { telemetry, events } = telemetryWith(new AlwaysOffSampler(), 'SPAN_AND_EVENT');
    let conversions = 0;
    new Invocation(telemetry, request(() => conversions++)).end({});
    expect(conversions).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]!['gen_ai.input.messages']).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
  });

  it('SPAN_ONLY and a sampled span: content is converted once and lands on the span', () => {
    const { telemetry, exporter } = telemetryWith(new AlwaysOnSampler(), 'SPAN_ONLY');
    let conversions = 0;
    new Invocation(telemetry, request(() => conversions++)).end({});
    expect(conversions).toBe(1);
    expect(exporter.getFinishedSpans()[0]!.attributes['gen_ai.input.messages']).toBe(
      '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
    );
  });
});
