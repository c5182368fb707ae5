/*
 * Stage spans (execute_tool, retrieval, invoke_agent, invoke_workflow): names, kinds, exact attributes,
 * parenting of the LLM spans started inside, sync / async / async-iterator / throwing / break cases,
 * content capture (and the GenAI context override), GenAI context metadata, and the duration metrics with their
 * buckets. Real SDK pipeline with the AsyncLocalStorage context manager.
 */
import { OpenAIInstrumentation } from '../../src';
import { DiagLogLevel, SpanKind, SpanStatusCode, context, diag, metrics, trace, type Attributes, type Span } from '@opentelemetry/api';
import { resolveContentSafeguards } from '../../src/core/content-safeguards';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { CaptureMode } from '../../src/core/content-mode';
import { createGenAIInstruments } from '../../src/core/instruments';
import { getGenAIContext, contextSpanAttributes, withGenAIContext } from '../../src/core/genai-context';
import { DURATION_BUCKETS } from '../../src/core/semconv';
import {
  StageRecorder,
  type StageTelemetry,
  createStageInstruments,
  traceAgent,
  traceRetrieval,
  traceTool,
  traceWorkflow,
} from '../../src/core/stages';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/version';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const contextManager = new AsyncLocalStorageContextManager();
const warnings: string[] = [];

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  contextManager.disable();
  context.disable();
});
beforeEach(() => {
  warnings.length = 0;
  const record = (message: string) => void warnings.push(message);
  diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

interface Setup {
  recorder: StageRecorder;
  telemetry: { -readonly [K in keyof StageTelemetry]: StageTelemetry[K] };
  tracer: ReturnType<BasicTracerProvider['getTracer']>;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
  points(metric: string): Array<{ attributes: Attributes; count: number; boundaries: number[] }>;
  metricNames(): Promise<string[]>;
  collect(): Promise<void>;
}

function setup(captureMode: CaptureMode = 'NO_CONTENT', options: { sampledOut?: boolean } = {}): Setup {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampledOut && { sampler: new AlwaysOffSampler() }),
  });
  const reader = new TestReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
  const tracer = tracerProvider.getTracer('test');
  const telemetry = {
    tracer,
    stageInstruments: createStageInstruments(meter),
    captureMode,
    contextAttributesOnMetrics: true,
    contentSafeguards: resolveContentSafeguards({}, {}),
  };
  let collected: Awaited<ReturnType<MetricReader['collect']>> | undefined;
  const allMetrics = () => (collected?.resourceMetrics.scopeMetrics ?? []).flatMap((sm) => sm.metrics);
  const result: Setup = {
    recorder: new StageRecorder(telemetry),
    telemetry,
    tracer,
    spans: () => exporter.getFinishedSpans() as ReadableSpan[],
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one finished span ${name}, got ${found.length}`);
      return found[0]!;
    },
    async collect() {
      collected = await reader.collect();
    },
    points(metric) {
      return allMetrics()
        .filter((m) => m.descriptor.name === metric)
        .flatMap((m) =>
          m.dataPoints.map((dp) => {
            const value = dp.value as Histogram;
            return { attributes: dp.attributes, count: value.count, boundaries: value.buckets.boundaries };
          }),
        );
    },
    async metricNames() {
      await result.collect();
      return allMetrics().map((m) => m.descriptor.name);
    },
  };
  return result;
}

/** An LLM-like span started in the active context, as an instrumented SDK call would. */
function llm(tracer: Setup['tracer'], name = 'chat m'): void {
  tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...contextSpanAttributes(getGenAIContext()) } }).end();
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: { spanContext(): { spanId: string } }) => span.spanContext().spanId;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

class ToolFailure extends Error {}

describe('traceTool', () => {
  it('sync: execute_tool {name}, INTERNAL, exact attributes, the value returned as is', () => {
    const t = setup();
    const value = { temperature: 21 };
    const result = t.recorder.traceTool(
      { name: 'get_weather', callId: 'call_1', description: 'Weather by city', type: 'function' },
      (args, span) => {
        expect(args).toEqual({ city: 'Paris' });
        expect(span.isRecording()).toBe(true);
        return value;
      },
      { city: 'Paris' },
    );
    expect(result).toBe(value);
    const span = t.span('execute_tool get_weather');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.description': 'Weather by city',
      'gen_ai.tool.type': 'function',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('content capture on spans: arguments (a JSON string is parsed first) and result as JSON strings', () => {
    const t = setup('SPAN_ONLY');
    t.recorder.traceTool({ name: 'sum' }, (args: string) => JSON.parse(args).a + 1, '{"a": 1}');
    expect(t.span('execute_tool sum').attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'sum',
      'gen_ai.tool.call.arguments': '{"a":1}',
      'gen_ai.tool.call.result': '2',
    });
  });

  it.each<CaptureMode>(['NO_CONTENT', 'EVENT_ONLY'])('%s: no content on the span (stage spans have no event)', (mode) => {
    const t = setup(mode);
    t.recorder.traceTool({ name: 'sum' }, () => 2, { a: 1 });
    expect(Object.keys(t.span('execute_tool sum').attributes).sort()).toEqual(['gen_ai.operation.name', 'gen_ai.tool.name']);
  });

  it('a sampled-out span: fn runs, nothing is serialized', () => {
    const t = setup('SPAN_ONLY', { sampledOut: true });
    let serialized = 0;
    const args = { toJSON: () => (serialized++, {}) };
    expect(t.recorder.traceTool({ name: 'x' }, () => ({ toJSON: () => (serialized++, 1) }), args)).toBeDefined();
    expect(serialized).toBe(0);
    expect(t.spans()).toEqual([]);
  });

  it('async: the span ends when the promise settles; the result is the resolved value', async () => {
    const t = setup('SPAN_ONLY');
    const pending = t.recorder.traceTool({ name: 'slow' }, async () => {
      await tick();
      return { ok: true };
    });
    expect(pending).toBeInstanceOf(Promise);
    expect(t.spans()).toEqual([]);
    await expect(pending).resolves.toEqual({ ok: true });
    expect(t.span('execute_tool slow').attributes['gen_ai.tool.call.result']).toBe('{"ok":true}');
  });

  it('sync throw: the same error is rethrown, the span records it like an LLM span (no message: content is off)', async () => {
    const t = setup();
    const error = new ToolFailure('no such city');
    expect(() => t.recorder.traceTool({ name: 'get_weather' }, () => { throw error; })).toThrow(error);
    const span = t.span('execute_tool get_weather');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.attributes['error.type']).toBe('ToolFailure');
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).toEqual([
      ['exception', 'Error', undefined],
    ]);
    expect(String(span.events[0]!.attributes!['exception.stacktrace'])).toMatch(/^Error\n    at /);
    await t.collect();
    expect(t.points('gen_ai.execute_tool.duration').map((p) => p.attributes)).toEqual([
      { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'error.type': 'ToolFailure' },
    ]);
  });

  it('async rejection: the same error, recorded; non-Error values too', async () => {
    const t = setup();
    const error = new ToolFailure('late');
    await expect(t.recorder.traceTool({ name: 'a' }, async () => { await tick(); throw error; })).rejects.toBe(error);
    expect(t.span('execute_tool a').attributes['error.type']).toBe('ToolFailure');
    await expect(t.recorder.traceTool({ name: 'b' }, () => Promise.reject('plain string'))).rejects.toBe('plain string');
    const b = t.span('execute_tool b');
    expect(b.attributes['error.type']).toBe('_OTHER');
    expect(b.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(b.events.map((e) => [e.name, e.attributes])).toEqual([['exception', { 'exception.type': 'string' }]]);
  });

  it('with content capture on, the error message is recorded, redacted like content', async () => {
    const t = setup('SPAN_ONLY');
    const error = new ToolFailure('card 4111 1111 1111 1111 was declined');
    expect(() => t.recorder.traceTool({ name: 'charge' }, () => { throw error; })).toThrow(error);
    const span = t.span('execute_tool charge');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card [REDACTED:CARD] was declined' });
    expect(span.events[0]!.attributes!['exception.message']).toBe('card [REDACTED:CARD] was declined');
    expect(String(span.events[0]!.attributes!['exception.stacktrace'])).toMatch(/^Error: card \[REDACTED:CARD\] was declined\n    at /);
    expect(JSON.stringify(span.events)).not.toContain('4111');
  });
});

describe('parenting', () => {
  it('LLM spans started inside fn (sync, after awaits, in timers) are children of the stage span', async () => {
    const t = setup();
    await t.recorder.traceAgent({ name: 'planner' }, async () => {
      llm(t.tracer, 'chat sync');
      await tick();
      llm(t.tracer, 'chat after await');
      await new Promise<void>((resolve) => setTimeout(() => (llm(t.tracer, 'chat in timer'), resolve()), 1));
    });
    const agent = t.span('invoke_agent planner');
    for (const name of ['chat sync', 'chat after await', 'chat in timer']) expect(parentOf(t.span(name))).toBe(idOf(agent));
  });

  it('stages nest: workflow > agent > retrieval + tool > LLM, and the stage span is the parent of the app parent', async () => {
    const t = setup();
    const root = t.tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), root), () =>
      t.recorder.traceWorkflow({ name: 'support' }, () =>
        t.recorder.traceAgent({ name: 'answerer' }, async () => {
          await t.recorder.traceRetrieval({ dataSource: 'kb' }, async () => (llm(t.tracer, 'embeddings e'), []));
          t.recorder.traceTool({ name: 'lookup' }, () => llm(t.tracer, 'chat inner'));
        }),
      ),
    );
    root.end();
    const workflow = t.span('invoke_workflow support');
    const agent = t.span('invoke_agent answerer');
    const retrieval = t.span('retrieval kb');
    const tool = t.span('execute_tool lookup');
    expect(parentOf(workflow)).toBe(idOf(root));
    expect(parentOf(agent)).toBe(idOf(workflow));
    expect(parentOf(retrieval)).toBe(idOf(agent));
    expect(parentOf(t.span('embeddings e'))).toBe(idOf(retrieval));
    expect(parentOf(tool)).toBe(idOf(agent));
    expect(parentOf(t.span('chat inner'))).toBe(idOf(tool));
    // After the stage, the app's own context is back.
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('async iterators', () => {
  it('an async generator: same values, the span ends when iteration completes, LLM calls made while consumed nest under it', async () => {
    const t = setup('SPAN_ONLY');
    const stream = t.recorder.traceAgent({ name: 'streamer' }, async function* () {
      llm(t.tracer, 'chat 1');
      yield 'a';
      await tick();
      llm(t.tracer, 'chat 2');
      yield 'b';
    });
    expect(t.spans()).toEqual([]); // nothing ran yet: generators are lazy
    const values: string[] = [];
    // Consumed outside the stage's call, under another active span.
    const other = t.tracer.startSpan('consumer');
    await context.with(trace.setSpan(context.active(), other), async () => {
      for await (const v of stream) {
        values.push(v);
        expect(t.spans().some((s) => s.name === 'invoke_agent streamer')).toBe(false);
      }
    });
    other.end();
    expect(values).toEqual(['a', 'b']);
    const agent = t.span('invoke_agent streamer');
    expect(parentOf(t.span('chat 1'))).toBe(idOf(agent));
    expect(parentOf(t.span('chat 2'))).toBe(idOf(agent));
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('break: the span ends (not as an error) and the source generator is closed', async () => {
    const t = setup('SPAN_ONLY');
    let closed = false;
    const stream = t.recorder.traceTool({ name: 'pages' }, async function* () {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    });
    for await (const page of stream) if (page === 2) break;
    expect(closed).toBe(true);
    const span = t.span('execute_tool pages');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // The result is what the consumer got before it stopped.
    expect(span.attributes['gen_ai.tool.call.result']).toBe('[1,2]');
  });

  it('a throw mid-iteration: the consumer sees the same error, the span records it', async () => {
    const t = setup();
    const error = new ToolFailure('stream broke');
    const stream = t.recorder.traceWorkflow({ name: 'w' }, async function* () {
      yield 1;
      throw error;
    });
    const seen: number[] = [];
    await expect((async () => { for await (const v of stream) seen.push(v); })()).rejects.toBe(error);
    expect(seen).toEqual([1]);
    const span = t.span('invoke_workflow w');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('ToolFailure');
    await t.collect();
    expect(t.points('gen_ai.invoke_workflow.duration').map((p) => p.attributes)).toEqual([
      { 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'w', 'error.type': 'ToolFailure' },
    ]);
  });

  it('an async function resolving to an async generator: the span ends when that is consumed', async () => {
    const t = setup();
    const stream = await t.recorder.traceAgent({ name: 'deferred' }, async () => {
      await tick();
      return (async function* () {
        yield 'x';
      })();
    });
    expect(t.spans()).toEqual([]);
    const values: string[] = [];
    for await (const v of stream) values.push(v);
    expect(values).toEqual(['x']);
    expect(t.span('invoke_agent deferred').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an async iterable without next() (an SDK stream object) is a plain value: returned as is, the span ends at once', async () => {
    const t = setup();
    const sdkStream = {
      controller: new AbortController(),
      async *[Symbol.asyncIterator]() {
        yield 1;
      },
    };
    expect(t.recorder.traceAgent({ name: 's' }, () => sdkStream)).toBe(sdkStream);
    expect(t.span('invoke_agent s')).toBeDefined();
  });

  it('an iterator never consumed leaves its span open (as for an unconsumed LLM stream)', () => {
    const t = setup();
    t.recorder.traceAgent({ name: 'never' }, async function* () {
      yield 1;
    });
    expect(t.spans()).toEqual([]);
  });
});

describe('traceRetrieval', () => {
  it('retrieval {data source}, CLIENT, exact attributes without content', async () => {
    const t = setup();
    const docs = [{ id: 'd1', score: 0.9, text: 'secret' }];
    const result = await t.recorder.traceRetrieval(
      { dataSource: 'kb-main', query: 'refund policy', topK: 5, provider: 'openai', model: 'text-embedding-3-small' },
      async () => docs,
    );
    expect(result).toBe(docs);
    const span = t.span('retrieval kb-main');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'retrieval',
      'gen_ai.provider.name': 'openai',
      'gen_ai.data_source.id': 'kb-main',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.request.top_k': 5,
    });
  });

  it('with content capture: query text and [{id, score}] from the default mapper (objects and [doc, score] pairs)', () => {
    const t = setup('SPAN_AND_EVENT');
    t.recorder.traceRetrieval({ dataSource: 'kb', query: 'q' }, () => [
      { id: 'a', score: 0.5, pageContent: 'not recorded' },
      [{ id: 7, pageContent: '...' }, 0.25],
      { score: 0.1 },
      { title: 'no id, no score: skipped' },
    ]);
    expect(t.span('retrieval kb').attributes).toEqual({
      'gen_ai.operation.name': 'retrieval',
      'gen_ai.data_source.id': 'kb',
      'gen_ai.retrieval.query.text': 'q',
      'gen_ai.retrieval.documents': '[{"id":"a","score":0.5},{"id":"7","score":0.25},{"score":0.1}]',
    });
  });

  it("a mapper extracts documents from the app's own result shape (and from an async iterator's items)", async () => {
    const t = setup('SPAN_ONLY');
    const result = await t.recorder.traceRetrieval(
      {
        dataSource: 'pinecone',
        documents: (r: { matches: Array<{ key: string; similarity: number }> }) =>
          r.matches.map((m) => ({ id: m.key, score: m.similarity })),
      },
      async () => ({ matches: [{ key: 'k1', similarity: 0.8 }], took: 3 }),
    );
    expect(result.took).toBe(3);
    expect(t.span('retrieval pinecone').attributes['gen_ai.retrieval.documents']).toBe('[{"id":"k1","score":0.8}]');

    const stream = t.recorder.traceRetrieval(
      { dataSource: 'paged', documents: (hits: Array<{ ref: string }>) => hits.map((h) => ({ id: h.ref })) },
      async function* () {
        yield { ref: 'r1' };
        yield { ref: 'r2' };
      },
    );
    for await (const _ of stream) void _;
    expect(t.span('retrieval paged').attributes['gen_ai.retrieval.documents']).toBe('[{"id":"r1"},{"id":"r2"}]');
  });

  it('a throwing mapper or an unrecognised result: no documents attribute, the result untouched', () => {
    const t = setup('SPAN_ONLY');
    const value = { not: 'an array' };
    expect(t.recorder.traceRetrieval({ dataSource: 'a', documents: () => { throw new Error('mapper'); } }, () => value)).toBe(value);
    expect(t.recorder.traceRetrieval({ dataSource: 'b' }, () => value)).toBe(value);
    expect(t.span('retrieval a').attributes['gen_ai.retrieval.documents']).toBeUndefined();
    expect(t.span('retrieval b').attributes['gen_ai.retrieval.documents']).toBeUndefined();
  });

  it('the mapper is not called when content capture is off', () => {
    const t = setup('NO_CONTENT');
    const mapper = jest.fn(() => []);
    t.recorder.traceRetrieval({ dataSource: 'kb', documents: mapper }, () => [{ id: 'x' }]);
    expect(mapper).not.toHaveBeenCalled();
  });

  it('records gen_ai.client.operation.duration with operation retrieval, merged with the inference instrument of the same meter', async () => {
    const reader = new TestReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('shared');
    const inference = createGenAIInstruments(meter);
    const tracer = new BasicTracerProvider().getTracer('t');
    const recorder = new StageRecorder({
      tracer,
      stageInstruments: createStageInstruments(meter),
      captureMode: 'NO_CONTENT',
      contentSafeguards: resolveContentSafeguards({}, {}),
    });
    recorder.traceRetrieval({ dataSource: 'kb', provider: 'openai', model: 'emb' }, () => []);
    inference.operationDuration.record(0.5, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' });
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const durations = resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics).filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(durations).toHaveLength(1);
    expect(durations[0]!.dataPoints.map((dp) => dp.attributes)).toEqual([
      { 'gen_ai.operation.name': 'retrieval', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'emb' },
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
    ]);
  });
});

describe('traceAgent and traceWorkflow', () => {
  it('invoke_agent {name}, INTERNAL, exact attributes', () => {
    const t = setup();
    t.recorder.traceAgent(
      { name: 'planner', id: 'asst_1', description: 'Plans', version: '2.1', provider: 'openai', model: 'gpt-4o' },
      () => undefined,
    );
    const span = t.span('invoke_agent planner');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'planner',
      'gen_ai.agent.id': 'asst_1',
      'gen_ai.agent.description': 'Plans',
      'gen_ai.agent.version': '2.1',
      'gen_ai.request.model': 'gpt-4o',
    });
  });

  it('invoke_workflow {name}, INTERNAL, exact attributes', () => {
    const t = setup();
    t.recorder.traceWorkflow({ name: 'triage' }, () => undefined);
    const span = t.span('invoke_workflow triage');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'triage' });
  });
});

describe('metrics', () => {
  it('names, attributes, one point per stage, and the duration buckets', async () => {
    const t = setup();
    t.recorder.traceTool({ name: 'get_weather', type: 'function', callId: 'call_1', description: 'd' }, () => 1);
    t.recorder.traceAgent({ name: 'planner', id: 'asst_1', version: '1', provider: 'openai', model: 'gpt-4o' }, () => 1);
    t.recorder.traceWorkflow({ name: 'triage' }, () => 1);
    t.recorder.traceRetrieval({ dataSource: 'kb', topK: 3 }, () => []);
    expect((await t.metricNames()).sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.execute_tool.duration',
      'gen_ai.invoke_agent.duration',
      'gen_ai.invoke_workflow.duration',
    ]);
    const only = (metric: string) => {
      const points = t.points(metric);
      expect(points).toHaveLength(1);
      expect(points[0]!.count).toBe(1);
      expect(points[0]!.boundaries).toEqual(DURATION_BUCKETS);
      return points[0]!.attributes;
    };
    // Ids, descriptions and versions stay on spans only.
    expect(only('gen_ai.execute_tool.duration')).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.type': 'function',
    });
    expect(only('gen_ai.invoke_agent.duration')).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'planner',
      'gen_ai.request.model': 'gpt-4o',
    });
    expect(only('gen_ai.invoke_workflow.duration')).toEqual({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'triage' });
    expect(only('gen_ai.client.operation.duration')).toEqual({ 'gen_ai.operation.name': 'retrieval' });
  });

  it('the duration is the time until the stage ends (for an iterator: until iteration ends)', async () => {
    const t = setup();
    const stream = t.recorder.traceAgent({ name: 'a' }, async function* () {
      yield 1;
    });
    await new Promise((r) => setTimeout(r, 30));
    for await (const _ of stream) void _;
    await t.collect();
    const reader = t.points('gen_ai.invoke_agent.duration');
    expect(reader).toHaveLength(1);
    const span = t.span('invoke_agent a');
    const spanS = span.duration[0] + span.duration[1] / 1e9;
    expect(spanS).toBeGreaterThanOrEqual(0.025);
  });
});

describe('GenAI context metadata on stages', () => {
  const metadata = { conversationId: 'c1', userId: 'u1', tenantId: 't1', promptName: 'p', promptVersion: '3', environment: 'prod', attributes: { team: 'x' } };

  it('stage spans carry the GenAI context attributes; metrics only the low-cardinality ones', async () => {
    const t = setup();
    withGenAIContext(metadata, () => t.recorder.traceTool({ name: 'x' }, () => 1));
    expect(t.span('execute_tool x').attributes).toEqual({
      'genai_app.team': 'x',
      'gen_ai.conversation.id': 'c1',
      'gen_ai.prompt.name': 'p',
      'gen_ai.prompt.version': '3',
      'user.id': 'u1',
      'genai_app.tenant.id': 't1',
      'deployment.environment.name': 'prod',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'x',
    });
    await t.collect();
    expect(t.points('gen_ai.execute_tool.duration').map((p) => p.attributes)).toEqual([
      {
        'gen_ai.prompt.name': 'p',
        'gen_ai.prompt.version': '3',
        'deployment.environment.name': 'prod',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'x',
      },
    ]);
  });

  it('contextAttributesOnMetrics=false keeps the GenAI context off metrics (spans unchanged)', async () => {
    const t = setup();
    t.telemetry.contextAttributesOnMetrics = false;
    withGenAIContext(metadata, () => t.recorder.traceWorkflow({ name: 'w' }, () => 1));
    expect(t.span('invoke_workflow w').attributes['gen_ai.prompt.name']).toBe('p');
    await t.collect();
    expect(t.points('gen_ai.invoke_workflow.duration').map((p) => p.attributes)).toEqual([
      { 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'w' },
    ]);
  });

  it("a stage's own attributes win over free-form GenAI context attributes with the same name", () => {
    const t = setup();
    withGenAIContext({ attributes: { 'gen_ai.tool.name': 'forged', 'com.acme.x': 1 } }, () =>
      t.recorder.traceTool({ name: 'real' }, () => 1),
    );
    expect(t.span('execute_tool real').attributes).toEqual({
      'com.acme.x': 1,
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'real',
    });
  });

  it('the GenAI context flows into fn: LLM spans inside a stage carry it too', () => {
    const t = setup();
    withGenAIContext({ userId: 'u' }, () => t.recorder.traceAgent({ name: 'a' }, () => llm(t.tracer, 'chat in agent')));
    expect(t.span('chat in agent').attributes).toEqual({ 'user.id': 'u' });
  });

  it('the GenAI context capture override applies: off for one tenant, on for another', () => {
    const t = setup('SPAN_ONLY');
    withGenAIContext({ tenantId: 'private', captureMessageContent: false }, () => t.recorder.traceTool({ name: 'off' }, () => 1, { a: 1 }));
    expect(t.span('execute_tool off').attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    t.telemetry.captureMode = 'NO_CONTENT';
    withGenAIContext({ tenantId: 'debug', captureMessageContent: 'SPAN_ONLY' }, () => t.recorder.traceTool({ name: 'on' }, () => 1, { a: 1 }));
    expect(t.span('execute_tool on').attributes['gen_ai.tool.call.arguments']).toBe('{"a":1}');
  });
});

describe('invalid options and telemetry failures never reach the app', () => {
  it('a missing or non-object options argument: fn runs, a bare span name, a warning', () => {
    const t = setup();
    expect(t.recorder.traceTool(null as never, () => 'ran')).toBe('ran');
    expect(t.recorder.traceAgent(undefined as never, () => 'ran')).toBe('ran');
    expect(t.span('execute_tool').attributes).toEqual({ 'gen_ai.operation.name': 'execute_tool' });
    expect(t.span('invoke_agent').attributes).toEqual({ 'gen_ai.operation.name': 'invoke_agent' });
    expect(warnings.length).toBeGreaterThanOrEqual(2);
  });

  it('non-string ids and names, a bad topK and a non-function mapper are ignored with warnings', () => {
    const t = setup('SPAN_ONLY');
    t.recorder.traceTool({ name: 42 as never, callId: { id: 1 } as never, type: '' }, () => 1);
    t.recorder.traceRetrieval({ dataSource: ['kb'] as never, topK: '5' as never, query: 3 as never, documents: 'id' as never }, () => [{ id: 'a' }]);
    expect(t.span('execute_tool').attributes).toEqual({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.result': '1' });
    expect(t.span('retrieval').attributes).toEqual({
      'gen_ai.operation.name': 'retrieval',
      'gen_ai.retrieval.documents': '[{"id":"a"}]',
    });
    expect(warnings).toHaveLength(7);
    expect(warnings.join('\n')).not.toContain('42');
  });

  it('a tracer that throws: fn still runs exactly once and its result is returned', async () => {
    const t = setup();
    t.telemetry.tracer = {
      startSpan: () => {
        throw new Error('broken tracer');
      },
    } as never;
    let runs = 0;
    const result = await t.recorder.traceTool({ name: 'x' }, async (_args, span: Span) => {
      runs++;
      expect(span.isRecording()).toBe(false);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(runs).toBe(1);
  });

  it('a histogram that throws: the span still ends, the value still returns', () => {
    const t = setup();
    t.telemetry.stageInstruments = {
      ...t.telemetry.stageInstruments,
      executeToolDuration: { record: () => { throw new Error('broken histogram'); } },
    };
    expect(t.recorder.traceTool({ name: 'x' }, () => 'ok')).toBe('ok');
    expect(t.span('execute_tool x')).toBeDefined();
  });
});

describe('module-level helpers (global providers, capture mode from the env var)', () => {
  const env = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  afterEach(() => {
    trace.disable();
    metrics.disable();
    if (env === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = env;
  });

  function registerGlobals() {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    return { exporter, reader };
  }

  it('record under this package\'s instrumentation scope on the providers registered at call time', async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    const first = registerGlobals();
    traceTool({ name: 't' }, () => 1, { a: 1 });
    expect(first.exporter.getFinishedSpans().map((s) => [s.name, s.instrumentationScope.name, s.instrumentationScope.version])).toEqual([
      ['execute_tool t', PACKAGE_NAME, PACKAGE_VERSION],
    ]);
    expect(first.exporter.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();

    // New providers (and a capture setting) registered later are picked up.
    trace.disable();
    metrics.disable();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'span_only';
    const second = registerGlobals();
    await traceWorkflow({ name: 'w' }, () =>
      traceAgent({ name: 'a' }, async () => traceRetrieval({ dataSource: 'kb', query: 'q' }, () => traceTool({ name: 't' }, () => 2, { a: 1 }))),
    );
    const names = second.exporter.getFinishedSpans().map((s) => s.name);
    expect(names).toEqual(['execute_tool t', 'retrieval kb', 'invoke_agent a', 'invoke_workflow w']);
    expect(second.exporter.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('{"a":1}');
    const { resourceMetrics } = await second.reader.collect();
    expect(resourceMetrics.scopeMetrics.map((sm) => [sm.scope.name, sm.metrics.map((m) => m.descriptor.name).sort()])).toEqual([
      [
        PACKAGE_NAME,
        ['gen_ai.client.operation.duration', 'gen_ai.execute_tool.duration', 'gen_ai.invoke_agent.duration', 'gen_ai.invoke_workflow.duration'],
      ],
    ]);
  });

  it('an invalid env value means no content, with one warning', () => {
    registerGlobals();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'maybe';
    traceTool({ name: 't' }, () => 1, { a: 1 });
    traceTool({ name: 't' }, () => 1, { a: 1 });
    expect(warnings.filter((w) => w.includes('maybe'))).toHaveLength(1);
  });

  // Last in this block: once an instrumentation is configured, the module-level helpers follow it.
  it('follow the content settings of the instrumentation the app configured: its redaction patterns and hook apply', async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    const { exporter } = registerGlobals();
    const seen: string[] = [];
    new OpenAIInstrumentation({
      enabled: false,
      captureMessageContent: 'SPAN_ONLY',
      redaction: {
        patterns: [{ name: 'order', pattern: /ORD-\d{6}/ }],
        hook: (value, { field }) => {
          seen.push(field);
          return value.replace(/Jane Doe/g, '[CUSTOMER]');
        },
      },
    });
    traceTool({ name: 'lookup_order' }, () => ({ owner: 'Jane Doe', status: 'shipped' }), { order: 'ORD-123456' });
    await traceRetrieval({ dataSource: 'kb', query: 'refund for ORD-654321 (Jane Doe)' }, () => [{ id: 'doc-1', content: 'policy', score: 0.9 }]);
    const [tool, retrieval] = exporter.getFinishedSpans();
    expect(tool!.attributes['gen_ai.tool.call.arguments']).toBe('{"order":"[REDACTED:ORDER]"}');
    expect(tool!.attributes['gen_ai.tool.call.result']).toBe('{"owner":"[CUSTOMER]","status":"shipped"}');
    expect(retrieval!.attributes['gen_ai.retrieval.query.text']).toBe('refund for [REDACTED:ORDER] ([CUSTOMER])');
    expect([...new Set(seen)].sort()).toEqual(['retrieval.documents', 'retrieval.query', 'tool.call.arguments', 'tool.call.result']);
  });
});
