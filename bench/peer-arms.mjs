/*
 * The arms of the peer comparison (bench/peers.mjs): this package, the floor (a minimal hand-written
 * instrumentation recording exactly ours' telemetry) and the two other OpenAI instrumentations for Node,
 * each on its own copy of `openai` with its own real SDK pipelines (pipelines.mjs: its own batch
 * processors, metric aggregations and dropping exporters), so nothing one arm records lands in another's
 * queues, and each arm's counts can be checked on their own.
 *
 *   off          a copy never patched.
 *   ours         this package's OpenAIInstrumentation (from dist/), `enabled: false` (no require hook) and
 *                manuallyInstrument(copy). Capture off: `captureMessageContent: false` (NO_CONTENT); on:
 *                `true`, which this package reads as SPAN_ONLY (content on the span), or the mode given.
 *   floor        bench/floor-arm.mjs: a plain wrapper of the copy's `Completions.prototype.create` and
 *                `Embeddings.prototype.create` that records the same span, attributes, content (capture on:
 *                SPAN_ONLY) and metric records as ours, with minimal code: the SDK work of ours' exact
 *                telemetry. Only with capture off or ours in SPAN_ONLY (it makes no log records); for any
 *                other --ours-capture-on mode the arm is left out. checkSameTelemetry() proves, every case,
 *                that it records what ours records.
 *   floor-span   the floor without its metric records (`metrics: false`): the same span, nothing else
 *                (checkSameTelemetry: ours' span, no metric record). floor − floor-span is the SDK cost of
 *                the metric records in the same run, which a peer recording spans only does not pay.
 *   contrib      @opentelemetry/instrumentation-openai's OpenAIInstrumentation, `captureMessageContent`
 *                false/true (content in the bodies of its per-message log records; it emits the records
 *                either way). It must be enabled: its patched `create` checks isEnabled() on every call
 *                and records nothing when disabled. So it is constructed enabled, after every copy is
 *                loaded and the `openai` files are dropped from require.cache (its hook then never sees a
 *                copy), and its copy is patched by calling the patch function of its own module
 *                definition (getModuleDefinitions()), which skips the hook's version check: 0.21 declares
 *                `openai >=4.19.0 <7`.
 *   openllmetry  @traceloop/instrumentation-openai's OpenAIInstrumentation, `traceContent` false/true
 *                (content on the span), `enabled: false` and manuallyInstrument(OpenAI class): it does not
 *                check isEnabled() per call nor the version (it declares `openai >=4 <7`). It records
 *                spans only (no metrics, no log records) and does not wrap `embeddings.create`.
 *
 * Whether an arm instruments a workload is read from its copy (is the resource's `create` wrapped), not
 * assumed. verifyCall() checks what one call of an arm exported, so an arm that records less than it
 * should (a silent peer would look cheap) stops the run; checkSameTelemetry() compares the floor's
 * verified call with ours'.
 */
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { instrumentFloor } from './floor-arm.mjs';
import { CHAT_MODEL, EMBEDDINGS_MODEL, STREAM_TEXT } from './fixtures.mjs';
import { callFor, classOf, dropOpenAIFromCache, freshOpenAI, inMemoryFetch, openaiVersionIn, readVersion } from './harness.mjs';
import { clearCaptureEnv, createSignalPipelines, installGlobals } from './pipelines.mjs';

const require = createRequire(import.meta.url);

export const ARM_NAMES = ['off', 'ours', 'floor', 'floor-span', 'contrib', 'openllmetry'];
/** The arms built by bench/floor-arm.mjs. */
const FLOOR_ARMS = ['floor', 'floor-span'];
export const PEERS = ['contrib', 'openllmetry'];
const CONTRIB = '@opentelemetry/instrumentation-openai';
const OPENLLMETRY = '@traceloop/instrumentation-openai';

/** How each instrumented arm is configured for capture off / on (printed with the results). */
export function armConfigs(oursCaptureOn) {
  return {
    ours: { off: { captureMessageContent: false }, on: { captureMessageContent: oursCaptureOn } },
    floor: { off: { content: false }, on: { content: true } },
    'floor-span': { off: { content: false, metrics: false }, on: { content: true, metrics: false } },
    contrib: { off: { captureMessageContent: false }, on: { captureMessageContent: true } },
    openllmetry: { off: { traceContent: false }, on: { traceContent: true } },
  };
}

/** Whether the floor can record what ours records: ours without log records (capture off, or on as SPAN_ONLY). */
export const floorMatchesOurs = (capture, oursCaptureOn) =>
  capture === 'off' || oursCaptureOn === true || oursCaptureOn === 'true' || oursCaptureOn === 'SPAN_ONLY';

export const peerVersions = () => ({ contrib: readVersion(CONTRIB), openllmetry: readVersion(OPENLLMETRY) });

/**
 * Builds the arms for one capture setting ('off' | 'on'). `openaiDir`: the `openai` package folder
 * (undefined: the installed one). `oursCaptureOn`: the captureMessageContent value for ours with capture on.
 */
export function createArms({ dist, openaiDir, capture, oursCaptureOn = true, names: wanted = ARM_NAMES }) {
  const names = wanted.filter((n) => !FLOOR_ARMS.includes(n) || floorMatchesOurs(capture, oursCaptureOn));
  clearCaptureEnv(); // read by ours and contrib; it would override the options
  const { api, diagProblems } = installGlobals();
  const { isWrapped } = require('@opentelemetry/instrumentation');
  const configs = armConfigs(oursCaptureOn);
  const openaiVersion = openaiVersionIn(openaiDir);

  // Every copy first, then forget them: no instrumentation's require hook can ever see one.
  const copies = Object.fromEntries(names.map((name) => [name, freshOpenAI(openaiDir)]));
  dropOpenAIFromCache(openaiDir);

  const arms = {};
  for (const name of names) {
    const pipelines = createSignalPipelines();
    const wire = (inst) => {
      inst.setTracerProvider(pipelines.tracerProvider);
      inst.setMeterProvider(pipelines.meterProvider);
      inst.setLoggerProvider?.(pipelines.loggerProvider);
      return inst;
    };
    const OpenAI = classOf(copies[name]);
    let instrumentation;
    if (name === 'ours') {
      const { OpenAIInstrumentation } = require(dist);
      instrumentation = wire(new OpenAIInstrumentation({ enabled: false, ...configs.ours[capture] }));
      instrumentation.manuallyInstrument(copies[name]);
    } else if (name === 'contrib') {
      const { OpenAIInstrumentation } = require(CONTRIB);
      instrumentation = wire(new OpenAIInstrumentation(configs.contrib[capture]));
      if (!instrumentation.isEnabled()) throw new Error('contrib: not enabled, its patched create would record nothing');
      const [definition] = instrumentation.getModuleDefinitions();
      definition.patch(copies[name], openaiVersion);
    } else if (name === 'openllmetry') {
      const { OpenAIInstrumentation } = require(OPENLLMETRY);
      instrumentation = wire(new OpenAIInstrumentation({ enabled: false, ...configs.openllmetry[capture] }));
      instrumentation.manuallyInstrument(OpenAI);
    } else if (FLOOR_ARMS.includes(name)) {
      instrumentFloor(OpenAI, pipelines, configs[name][capture]);
    }
    const wrapped = {
      chat: isWrapped(OpenAI.Chat.Completions.prototype.create),
      embeddings: isWrapped(OpenAI.Embeddings.prototype.create),
    };
    if (name === 'off' ? wrapped.chat || wrapped.embeddings : !wrapped.chat) {
      throw new Error(`${name}: chat.completions.create is ${wrapped.chat ? '' : 'not '}wrapped`);
    }
    arms[name] = {
      name,
      OpenAI,
      pipelines,
      instrumentation,
      config: configs[name]?.[capture],
      /** Does this arm record the workload (off: never)? */
      instruments: (workload) => (workload === 'embeddings' ? wrapped.embeddings : wrapped.chat),
      /** A function making one call of the workload through this arm's copy, on the in-memory transport. */
      callFor(workload) {
        const client = new OpenAI({ apiKey: 'sk-bench', maxRetries: 0, baseURL: 'https://api.openai.com/v1', fetch: inMemoryFetch(workload) });
        return callFor(client, workload);
      },
    };
  }
  if (new Set(Object.values(arms).map((a) => a.OpenAI)).size !== names.length) throw new Error('the openai copies are not independent');
  return { api, arms, diagProblems, openaiVersion };
}

/**
 * Arms that do not read the usage chunk of a stream (OpenLLMetry 0.27 takes usage from a non-streamed
 * result only, or counts tokens itself with `enrichTokens`, off by default): their stream spans carry no
 * token counts, which the report states.
 */
export const STREAM_USAGE_UNREAD = ['openllmetry'];

const EXPECTED_SPAN_NAME = { chat: `chat ${CHAT_MODEL}`, stream: `chat ${CHAT_MODEL}`, embeddings: `embeddings ${EMBEDDINGS_MODEL}` };

/**
 * The histogram data points of an arm's MeterProvider so far (cumulative), one entry per metric stream
 * and attribute set, keyed by scope, metric name and attribute set: what metricsOfCall() diffs.
 */
async function metricSnapshot(pipelines) {
  const { resourceMetrics, errors } = await pipelines.metricReader.collect();
  if (errors.length) throw errors[0];
  const points = new Map();
  for (const sm of resourceMetrics.scopeMetrics) {
    const scope = { name: sm.scope.name, version: sm.scope.version, schemaUrl: sm.scope.schemaUrl };
    for (const m of sm.metrics) {
      const { name, type, description, unit, valueType, advice } = m.descriptor;
      for (const dp of m.dataPoints) {
        if (typeof dp.value?.count !== 'number') continue;
        const attributes = Object.fromEntries(Object.entries(dp.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        points.set(JSON.stringify([scope, name, attributes]), {
          scope,
          descriptor: { name, type, description, unit, valueType, advice },
          dataPointType: m.dataPointType,
          aggregationTemporality: m.aggregationTemporality,
          attributes,
          count: dp.value.count,
          sum: dp.value.sum,
          boundaries: dp.value.buckets.boundaries,
          bucketCounts: dp.value.buckets.counts,
        });
      }
    }
  }
  return points;
}

/**
 * What one call added to an arm's histograms: `before` → `after` (metricSnapshot), per metric stream and
 * attribute set, the records it made (count), their sum and bucket counts, sorted by key.
 */
function metricsOfCall(before, after) {
  const out = [];
  for (const [key, p] of [...after].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const b = before.get(key);
    const count = p.count - (b?.count ?? 0);
    if (count === 0) continue;
    out.push({
      ...p,
      count,
      sum: p.sum - (b?.sum ?? 0),
      bucketCounts: p.bucketCounts.map((c, i) => c - (b?.bucketCounts[i] ?? 0)),
    });
  }
  return out;
}

/**
 * One call of `workload` through `arm`, outside any timing; checks what its exporters got and returns
 * what one call exports ({ spans, logs, metricRecords, durations }), for the per-block checks and the
 * report, and, not enumerable, `exported`: the span and the metric records of the call (for
 * checkSameTelemetry). An instrumented arm must export one span with the expected name, the usage and
 * finish reason the response carried, and content exactly when capture is on; `off` must export nothing.
 */
export async function verifyCall(arm, workload, captureOn) {
  const { spanExporter, logExporter } = arm.pipelines;
  const before = await metricSnapshot(arm.pipelines);
  spanExporter.kept = [];
  logExporter.kept = [];
  try {
    await arm.callFor(workload)();
    await arm.pipelines.flush();
  } finally {
    var spans = spanExporter.kept;
    var logs = logExporter.kept;
    spanExporter.kept = logExporter.kept = undefined;
  }
  const metrics = metricsOfCall(before, await metricSnapshot(arm.pipelines));
  const got = {
    spans: spans.length,
    logs: logs.length,
    metricRecords: metrics.reduce((n, p) => n + p.count, 0),
    durations: metrics.filter((p) => p.descriptor.name === 'gen_ai.client.operation.duration').reduce((n, p) => n + p.count, 0),
  };
  Object.defineProperty(got, 'exported', { value: { spans, logs, metrics }, enumerable: false });
  const fail = (what) => {
    throw new Error(`${workload}, capture ${captureOn ? 'on' : 'off'}, arm ${arm.name}: ${what} (one call exported ${JSON.stringify(got)})`);
  };
  if (!arm.instruments(workload)) {
    if (got.spans || got.logs || got.metricRecords) fail('exported telemetry, but its copy is not patched for this workload');
    return got;
  }
  if (got.spans !== 1) fail('expected exactly one span');
  const span = spans[0];
  const attr = (k) => span.attributes[k];
  if (span.name !== EXPECTED_SPAN_NAME[workload]) fail(`span named ${JSON.stringify(span.name)}, expected ${JSON.stringify(EXPECTED_SPAN_NAME[workload])}`);
  if (workload === 'embeddings') {
    if (attr('gen_ai.usage.input_tokens') !== 10) fail('no gen_ai.usage.input_tokens = 10 on the span');
    return got;
  }
  // The finish reason comes from the last choice chunk: the arm saw the whole stream.
  if (!String(attr('gen_ai.response.finish_reasons')).includes('stop')) fail('no finish reason on the span');
  const readsUsage = workload !== 'stream' || !STREAM_USAGE_UNREAD.includes(arm.name);
  if (readsUsage && attr('gen_ai.usage.output_tokens') !== 25) fail('no gen_ai.usage.output_tokens = 25 on the span (usage not read)');
  const userText = 'capital of France';
  const contentOnSpan = String(attr('gen_ai.input.messages') ?? '').includes(userText);
  const contentInLogs = logs.some((r) => JSON.stringify({ body: r.body, attributes: r.attributes }).includes(userText));
  if ((contentOnSpan || contentInLogs) !== captureOn) fail(`message content ${captureOn ? 'missing' : 'exported with capture off'}`);
  if (captureOn && workload === 'stream') {
    // The streamed answer must have been assembled wherever the arm puts content.
    const out = String(attr('gen_ai.output.messages') ?? '') + logs.map((r) => JSON.stringify(r.body ?? r.attributes)).join('');
    if (!out.includes(STREAM_TEXT.slice(-20))) fail('the streamed answer is not in the exported content');
  }
  return got;
}

/** Span attributes and histograms whose values are times: compared by presence (and type), not value. */
const TIME_ATTRIBUTES = new Set(['gen_ai.response.time_to_first_chunk']);
const isTimeMetric = (p) => p.descriptor.unit === 's';

/**
 * The floor's proof: what its verified call exported equals what ours' verified call exported. The span:
 * name, kind, status, instrumentation scope, parent (none), events, links, dropped counts and every
 * attribute with its value (times: present on both, numbers); the metrics: the same records per scope,
 * instrument (name, type, description, unit, value type, advice), attribute set, temporality and bucket
 * boundaries, the same count per data point and, for non-time instruments (tokens), the same sum and
 * bucket counts. Ids, timestamps and durations differ by nature and are not compared. Throws on the first
 * difference, with both values. `spanOnly` (the floor-span arm): the same span, and no metric record at all.
 */
const CONTENT_ATTRIBUTES = new Set(['gen_ai.input.messages', 'gen_ai.output.messages']);
const unnumbered = (value) => String(value).replace(/ \(#\d+\)/g, ' (#n)');

export function checkSameTelemetry(workload, capture, ours, floor, { spanOnly = false } = {}) {
  const fail = (what, a, b) => {
    throw new Error(
      `${workload}, capture ${capture}: the floor's telemetry differs from ours in ${what}:\n  ours:  ${JSON.stringify(a)}\n  floor: ${JSON.stringify(b)}`,
    );
  };
  const same = (what, a, b) => {
    if (!isDeepStrictEqual(a, b)) fail(what, a, b);
  };
  const o = ours.exported;
  const f = floor.exported;
  same('span count', o.spans.length, f.spans.length);
  same('log record count', o.logs.length, f.logs.length);
  o.spans.forEach((os, i) => {
    const fs = f.spans[i];
    const shape = (s) => ({
      name: s.name,
      kind: s.kind,
      status: s.status,
      scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version, schemaUrl: s.instrumentationScope.schemaUrl },
      parent: s.parentSpanContext?.spanId ?? s.parentSpanId,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      links: s.links.length,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      resource: s.resource.attributes,
    });
    same('the span', shape(os), shape(fs));
    const keys = (s) => Object.keys(s.attributes).sort();
    same('the span attribute names', keys(os), keys(fs));
    for (const k of keys(os)) {
      const a = os.attributes[k];
      const b = fs.attributes[k];
      if (TIME_ATTRIBUTES.has(k)) {
        if (typeof a !== 'number' || typeof b !== 'number') fail(`span attribute ${k} (a time: both numbers)`, a, b);
      } else if (CONTENT_ATTRIBUTES.has(k)) {
        // Each call's question and answer are numbered (bench/fixtures.mjs): the two verified calls differ there only.
        same(`span attribute ${k}`, unnumbered(a), unnumbered(b));
      } else same(`span attribute ${k}`, a, b);
    }
  });
  if (spanOnly) {
    same('metric records (none)', [], f.metrics);
    return;
  }
  const points = (ms) =>
    ms.map((p) => {
      const { sum, bucketCounts, ...rest } = p;
      return isTimeMetric(p) ? rest : p;
    });
  same('the metric streams and attribute sets', o.metrics.map((p) => [p.descriptor.name, p.attributes]), f.metrics.map((p) => [p.descriptor.name, p.attributes]));
  const op = points(o.metrics);
  const fp = points(f.metrics);
  op.forEach((p, i) => same(`metric ${p.descriptor.name} ${JSON.stringify(p.attributes)}`, p, fp[i]));
}
