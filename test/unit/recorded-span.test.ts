/*
 * The span lifecycle every recorded span shares (src/core/recorded-span.ts): the content gate, the
 * attribute precedence at the start, failure recording and the single end.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { CaptureMode } from '../../src/core/content-mode';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import { RecordedSpan } from '../../src/core/recorded-span';
import { setGenAIContext } from '../../src/core/genai-context';
import type { SpanTelemetry } from '../../src/core/telemetry';

function setup(captureMode: CaptureMode, sampledOut = false) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: sampledOut ? new AlwaysOffSampler() : new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const telemetry: SpanTelemetry = { tracer: provider.getTracer('test'), captureMode, contentSafeguards: resolveContentSafeguards({}, {}) };
  const points: Array<{ value: number; attributes: Attributes }> = [];
  const histogram = { record: (value: number, attributes: Attributes = {}) => void points.push({ value, attributes }) };
  const start = (parentContext = ROOT_CONTEXT) =>
    new RecordedSpan(telemetry, { name: 'op x', kind: SpanKind.INTERNAL, attributes: { 'gen_ai.conversation.id': 'own', a: 1 }, parentContext });
  return { exporter, histogram, points, start };
}

const gate = (span: RecordedSpan) => ({ content: span.capturesContent, onSpan: span.capturesOnSpan, onEvent: span.capturesOnEvent });

describe('the content gate', () => {
  it.each<[CaptureMode, boolean, { content: boolean; onSpan: boolean; onEvent: boolean }]>([
    ['NO_CONTENT', false, { content: false, onSpan: false, onEvent: false }],
    ['SPAN_ONLY', false, { content: true, onSpan: true, onEvent: false }],
    ['EVENT_ONLY', false, { content: true, onSpan: false, onEvent: true }],
    ['SPAN_AND_EVENT', false, { content: true, onSpan: true, onEvent: true }],
    // A sampled-out span loses the span part only: log records are not sampled with traces.
    ['NO_CONTENT', true, { content: false, onSpan: false, onEvent: false }],
    ['SPAN_ONLY', true, { content: false, onSpan: false, onEvent: false }],
    ['EVENT_ONLY', true, { content: true, onSpan: false, onEvent: true }],
    ['SPAN_AND_EVENT', true, { content: true, onSpan: false, onEvent: true }],
  ])('%s, sampled out: %s', (mode, sampledOut, expected) => {
    expect(gate(setup(mode, sampledOut).start())).toEqual(expected);
  });

  it('the GenAI context metadata overrides the default mode', () => {
    const t = setup('NO_CONTENT');
    expect(gate(t.start(setGenAIContext(ROOT_CONTEXT, { captureMessageContent: 'SPAN_ONLY' })))).toEqual({ content: true, onSpan: true, onEvent: false });
  });
});

describe('the span lifecycle', () => {
  it('starts with the context metadata under its own attributes', () => {
    const t = setup('NO_CONTENT');
    const span = t.start(setGenAIContext(ROOT_CONTEXT, { conversationId: 'scope', userId: 'u' }));
    span.end(span.claimEnd()!, t.histogram, {}, undefined);
    expect(t.exporter.getFinishedSpans()[0]!.attributes).toEqual({ 'gen_ai.conversation.id': 'own', 'user.id': 'u', a: 1 });
  });

  it('ends once: a second claim gets nothing', () => {
    const t = setup('NO_CONTENT');
    const span = t.start();
    const durationS = span.claimEnd();
    expect(durationS).toBeGreaterThanOrEqual(0);
    expect(span.claimEnd()).toBeUndefined();
    expect(span.isEnded).toBe(true);
    span.end(durationS!, t.histogram, { m: 'x' }, undefined);
    expect(t.points).toEqual([{ value: durationS, attributes: { m: 'x' } }]);
    expect(t.exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('a thrown failure: error.type, the exception event, status ERROR; the message only with content on spans', () => {
    for (const [mode, message] of [['NO_CONTENT', undefined], ['SPAN_ONLY', 'boom']] as const) {
      const t = setup(mode);
      const span = t.start();
      span.recordFailure('TypeError', new TypeError('boom'), 'thrown');
      span.end(span.claimEnd()!, t.histogram, {}, 'TypeError');
      const [finished] = t.exporter.getFinishedSpans();
      expect(finished!.attributes['error.type']).toBe('TypeError');
      expect(finished!.status).toEqual({ code: SpanStatusCode.ERROR, message });
      expect(finished!.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', message]]);
      expect(t.points[0]!.attributes).toEqual({ 'error.type': 'TypeError' });
    }
  });

  it('a reported failure: error.type and status ERROR, no exception event', () => {
    const t = setup('SPAN_ONLY');
    const span = t.start();
    span.recordFailure('overloaded', 'the server is overloaded', 'reported');
    span.end(span.claimEnd()!, t.histogram, {}, 'overloaded');
    const [finished] = t.exporter.getFinishedSpans();
    expect(finished!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the server is overloaded' });
    expect(finished!.events).toEqual([]);
  });
});
