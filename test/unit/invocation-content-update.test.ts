/*
 * Two additive Invocation features: request content learned while the call ran (InvocationResponse's
 * `requestContentUpdate`: messages the SDK added, tool definitions it resolved) and a provider's own
 * error.type for a thrown error (`fail(error, partial, errorType)`).
 */
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Invocation } from '../../src/core/invocation';
import { createGenAIInstruments } from '../../src/core/instruments';
import type { CaptureMode } from '../../src/core/content-mode';
import type { GenAITelemetry } from '../../src/core/telemetry';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import type { InvocationRequest } from '../../src/core/model';

function setup(captureMode: CaptureMode) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const telemetry: GenAITelemetry = {
    tracer: provider.getTracer('test'),
    instruments: createGenAIInstruments(new MeterProvider().getMeter('test')),
    eventLogger: { emit: () => undefined },
    captureMode,
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  return { telemetry, span: () => exporter.getFinishedSpans()[0]! };
}

const request: InvocationRequest = {
  operation: 'generate_content',
  provider: 'gcp.gemini',
  requestModel: 'm',
  params: {},
  content: () => ({
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'q' }] }],
    toolDefinitions: [{ type: 'function', name: 'declared' }],
  }),
};

describe('requestContentUpdate', () => {
  it('appends the added messages and replaces the tool definitions', () => {
    const { telemetry, span } = setup('SPAN_ONLY');
    new Invocation(telemetry, request).end({
      requestContentUpdate: () => ({
        appendInputMessages: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: '1', response: 'r' }] }],
        toolDefinitions: [{ type: 'function', name: 'resolved' }],
      }),
    });
    expect(JSON.parse(span().attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'q' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: '1', response: 'r' }] },
    ]);
    expect(JSON.parse(span().attributes['gen_ai.tool.definitions'] as string)).toEqual([{ type: 'function', name: 'resolved' }]);
  });

  it('is never called without content capture; a throwing update keeps the captured content', () => {
    let calls = 0;
    const off = setup('NO_CONTENT');
    new Invocation(off.telemetry, request).end({ requestContentUpdate: () => (calls++, {}) });
    expect(calls).toBe(0);

    const on = setup('SPAN_ONLY');
    new Invocation(on.telemetry, request).end({
      requestContentUpdate: () => {
        throw new Error('boom');
      },
    });
    expect(JSON.parse(on.span().attributes['gen_ai.input.messages'] as string)).toHaveLength(1);
  });
});

describe('fail() with a provider error type', () => {
  it('uses it for error.type; without it, the error class name', () => {
    const a = setup('NO_CONTENT');
    new Invocation(a.telemetry, request).fail(new TypeError('x'), {}, 'RESOURCE_EXHAUSTED');
    expect(a.span().attributes['error.type']).toBe('RESOURCE_EXHAUSTED');
    const b = setup('NO_CONTENT');
    new Invocation(b.telemetry, request).fail(new TypeError('x'));
    expect(b.span().attributes['error.type']).toBe('TypeError');
  });
});
