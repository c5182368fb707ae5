/*
 * StreamObserver, the core's one observer of a call's streamed response: chunk timing, the call ended
 * exactly once however the stream ends, the partial response of an interrupted stream, and what a
 * provider's chunk handler adds (which chunks are output, what a failure carries). A real Invocation
 * with in-memory exporters; the app's side must see the source unchanged.
 */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import { createGenAIInstruments } from '../../src/core/instruments';
import { Invocation } from '../../src/core/invocation';
import type { InvocationResponse } from '../../src/core/model';
import * as sc from '../../src/core/semconv';
import { type ChunkHandler, StreamObserver } from '../../src/core/stream-observer';
import type { GenAITelemetry } from '../../src/core/telemetry';

function setup() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry: GenAITelemetry = {
    tracer: tracerProvider.getTracer('test'),
    instruments: createGenAIInstruments(meterProvider.getMeter('test')),
    eventLogger: { emit: () => undefined },
    captureMode: 'NO_CONTENT',
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  const invocation = new Invocation(telemetry, { operation: 'chat', provider: 'test', requestModel: 'm', params: { stream: true } });
  const chunkGaps = async () => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]?.metrics.find((m) => m.descriptor.name === sc.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK);
    return (metric?.dataPoints[0]?.value as { count?: number } | undefined)?.count ?? 0;
  };
  return { invocation, spans, chunkGaps };
}

/** A handler that keeps the chunks and says, in the response, whether it was interrupted. */
function textHandler(extra: Partial<ChunkHandler<string>> = {}) {
  const seen: string[] = [];
  const handler: ChunkHandler<string> = {
    onChunk: (chunk) => void seen.push(chunk),
    toResponse: (interrupted): InvocationResponse => ({ responseId: seen.join(''), finishReasons: [interrupted ? 'error' : 'stop'] }),
    ...extra,
  };
  return { handler, seen };
}

async function* chunks(values: string[], failWith?: unknown) {
  for (const v of values) yield v;
  if (failWith !== undefined) throw failWith;
}

describe('StreamObserver', () => {
  it('a stream read to its end: the complete response, once, with time to first chunk and one gap per later chunk', async () => {
    const { invocation, spans, chunkGaps } = setup();
    const { handler } = textHandler();
    const stream = new StreamObserver(invocation, handler);
    const seen: string[] = [];
    const observed = stream.observe(chunks(['a', 'b', 'c']));
    for await (const v of observed) seen.push(v);
    await observed.next();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(spans.getFinishedSpans()).toHaveLength(1);
    const attrs = spans.getFinishedSpans()[0]!.attributes;
    expect(attrs[sc.ATTR_GEN_AI_RESPONSE_ID]).toBe('abc');
    expect(attrs[sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(typeof attrs[sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBe('number');
    expect(await chunkGaps()).toBe(2);
  });

  it('break: the partial response (interrupted), and the source is closed', async () => {
    const { invocation, spans } = setup();
    let closed = false;
    const source = (async function* () {
      try {
        yield* ['a', 'b', 'c'];
      } finally {
        closed = true;
      }
    })();
    for await (const v of new StreamObserver(invocation, textHandler().handler).observe(source)) if (v === 'b') break;
    expect(closed).toBe(true);
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(spans.getFinishedSpans()[0]!.attributes).toMatchObject({ [sc.ATTR_GEN_AI_RESPONSE_ID]: 'ab', [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['error'] });
  });

  it("error: the app gets the source's error; the call fails with the partial response and what the handler reads from the error", async () => {
    const { invocation, spans } = setup();
    const boom = new Error('boom');
    const { handler } = textHandler({ describeError: (e) => ({ errorType: `provider_${(e as Error).message}`, attributes: { 'test.request_id': 'r1' } }) });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const v of new StreamObserver(invocation, handler).observe(chunks(['a'], boom))) seen.push(v);
      })(),
    ).rejects.toBe(boom);
    expect(seen).toEqual(['a']);
    const [span] = spans.getFinishedSpans();
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(span!.attributes).toMatchObject({
      [sc.ATTR_ERROR_TYPE]: 'provider_boom',
      'test.request_id': 'r1',
      [sc.ATTR_GEN_AI_RESPONSE_ID]: 'a',
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['error'],
    });
  });

  it('a chunk the handler says is not output is read but not timed', async () => {
    const { invocation, chunkGaps } = setup();
    const { handler, seen } = textHandler({ isOutput: (chunk) => chunk !== 'tool-results' });
    for await (const _v of new StreamObserver(invocation, handler).observe(chunks(['a', 'tool-results', 'b']))) void _v;
    expect(seen).toEqual(['a', 'tool-results', 'b']);
    expect(await chunkGaps()).toBe(1);
  });

  it('a quiet end of an aborted request is an interruption', async () => {
    const { invocation, spans } = setup();
    const observed = new StreamObserver(invocation, textHandler().handler).observe(chunks(['a']), { aborted: () => true });
    for await (const _v of observed) void _v;
    expect(spans.getFinishedSpans()[0]!.attributes[sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['error']);
  });

  it('ends exactly once: the first of complete, stop and fail wins, and chunks after the end are not read', () => {
    const { invocation, spans } = setup();
    const { handler, seen } = textHandler();
    const stream = new StreamObserver(invocation, handler);
    stream.chunk('a');
    stream.stop();
    stream.chunk('b');
    stream.complete();
    stream.fail(new Error('late'));
    expect(stream.ended).toBe(true);
    expect(seen).toEqual(['a']);
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(spans.getFinishedSpans()[0]!.attributes).toMatchObject({ [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['error'] });
    expect(spans.getFinishedSpans()[0]!.attributes[sc.ATTR_ERROR_TYPE]).toBeUndefined();
  });

  it('an abandoned stream is recorded with the chunks the app received', () => {
    const { invocation, spans } = setup();
    const stream = new StreamObserver(invocation, textHandler().handler);
    stream.waitOnApp();
    stream.chunk('a');
    invocation.abandon('shutdown');
    expect(spans.getFinishedSpans()[0]!.attributes).toMatchObject({
      [sc.ATTR_GEN_AI_RESPONSE_ID]: 'a',
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['error'],
      [sc.ATTR_GENAI_APP_CALL_ABANDONED]: 'shutdown',
    });
  });

  it('a throwing handler never disturbs the app: same values, and the call still ends', async () => {
    const { invocation, spans } = setup();
    const handler: ChunkHandler<string> = {
      onChunk: () => {
        throw new Error('handler');
      },
      isOutput: () => {
        throw new Error('handler');
      },
      toResponse: () => {
        throw new Error('handler');
      },
    };
    const seen: string[] = [];
    for await (const v of new StreamObserver(invocation, handler).observe(chunks(['a', 'b']))) seen.push(v);
    expect(seen).toEqual(['a', 'b']);
    expect(spans.getFinishedSpans()).toHaveLength(1);
  });

  describe('observeIteratorFactory', () => {
    it('observes the first iterator the app takes; a second one passes through unobserved; the object keeps its identity', async () => {
      const { invocation, spans } = setup();
      const { handler, seen } = textHandler();
      const iterable = { [Symbol.asyncIterator]: () => chunks(['a', 'b']), other: 1 };
      const stream = new StreamObserver(invocation, handler);
      expect(stream.observeIteratorFactory(iterable, Symbol.asyncIterator)).toBe(true);
      expect(Object.keys(iterable)).toEqual(['other']);
      const second = iterable[Symbol.asyncIterator]();
      const first = iterable[Symbol.asyncIterator]();
      expect(await first.next()).toEqual({ done: false, value: 'a' });
      const fromSecond: string[] = [];
      for await (const v of second) fromSecond.push(v);
      expect(fromSecond).toEqual(['a', 'b']);
      expect(spans.getFinishedSpans()).toHaveLength(0);
      for await (const _v of first) void _v;
      expect(seen).toEqual(['a', 'b']);
      expect(spans.getFinishedSpans()).toHaveLength(1);
    });

    it('leaves a frozen object or a missing factory alone', () => {
      const { invocation } = setup();
      const stream = new StreamObserver(invocation, textHandler().handler);
      const factory = () => chunks([]);
      const frozen = Object.freeze({ iterator: factory });
      expect(stream.observeIteratorFactory(frozen, 'iterator')).toBe(false);
      expect(frozen.iterator).toBe(factory);
      expect(stream.observeIteratorFactory({}, 'iterator')).toBe(false);
    });
  });
});
