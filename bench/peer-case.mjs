/*
 * One case of the peer comparison (one workload, capture off or on), measured in a fresh process so the
 * warm-up window really starts cold: spawned by bench/peers.mjs, one child per case and run; prints one
 * `RESULT {json}` line. Not meant to be run by hand, but it can be (flags as peers.mjs passes them).
 *
 * --mode timing (default):
 *  1. the arms (peer-arms.mjs); one verified call per arm (outside timing), and the floor's verified call
 *     checked against ours' (checkSameTelemetry: the same span, attributes and metric records, except ids,
 *     timestamps and durations); for the stream, the per-chunk records of ours are captured (instrument, values, attributes) to replay them as the `chunk-records`
 *     pseudo-arm: the SDK cost of the metric records only this package makes.
 *  2. a neutral pre-warm of the OTel SDK (spans, log records, histogram records through a pipeline set no
 *     arm uses): the SDK's code is shared by the instrumented arms, and without it whichever arm ran first
 *     would pay its JIT warm-up alone. Each arm's own code and its `openai` copy stay cold.
 *  3. the warm-up window: rounds of one block of --block calls per arm, order rotating and reversing
 *     (stats.orderOf, offset by the run index), until every arm made --warm-calls calls. CPU per call =
 *     total over the window ÷ calls (a mean: JIT spikes belong to the window).
 *  4. steady state: --rounds more rounds the same way; CPU per call = median over blocks.
 *  5. allocation: --alloc-calls calls per arm under v8.GCProfiler (stats.allocationPerCall).
 *  6. totals: every block exported exactly calls × (one call's spans and log records); the duration
 *     histogram of each arm counted every call it made; no diag warning or error.
 * --mode rss --arm NAME: only that arm; --rss-calls calls, RSS and V8 heap after full GCs at 10 % of the
 *     calls (everything warm, the metric aggregations made) and at the end.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSameTelemetry, createArms, verifyCall } from './peer-arms.mjs';
import { root } from './harness.mjs';
import { createSignalPipelines } from './pipelines.mjs';
import { allocationPerCall, fullGc, heapUsed, measureCallBlock, median, orderOf } from './stats.mjs';

const { values: o } = parseArgs({
  options: {
    mode: { type: 'string', default: 'timing' },
    workload: { type: 'string' },
    capture: { type: 'string' }, // off | on
    'ours-capture-on': { type: 'string', default: 'true' },
    run: { type: 'string', default: '0' },
    block: { type: 'string', default: '500' },
    'warm-calls': { type: 'string', default: '7500' },
    rounds: { type: 'string', default: '15' },
    'alloc-calls': { type: 'string', default: '1000' },
    'rss-calls': { type: 'string', default: '100000' },
    arm: { type: 'string' },
    dist: { type: 'string' },
    'openai-dir': { type: 'string' },
  },
});
const WORKLOAD = o.workload;
const CAPTURE_ON = o.capture === 'on';
const OURS_CAPTURE_ON = o['ours-capture-on'] === 'true' ? true : o['ours-capture-on'];
const RUN = Number(o.run);
const BLOCK = Number(o.block);
const DIST = resolve(o.dist ?? join(root, 'dist/cjs/index.js'));
const OPENAI_DIR = o['openai-dir'] ? resolve(o['openai-dir']) : undefined;
const CHUNK_ARM = 'chunk-records';

const build = (names) =>
  createArms({ dist: DIST, openaiDir: OPENAI_DIR, capture: CAPTURE_ON ? 'on' : 'off', oursCaptureOn: OURS_CAPTURE_ON, names });

/** One call of ours' stream, recording the per-chunk histogram records it makes: [instrument, value, attributes]. */
async function captureChunkRecords(ours) {
  const hist = ours.instrumentation.instruments.timePerOutputChunk;
  const records = [];
  const original = hist.record;
  hist.record = function (value, attributes, ctx) {
    records.push([value, attributes]);
    return original.call(this, value, attributes, ctx);
  };
  try {
    await ours.callFor('stream')();
    await ours.pipelines.flush(); // its span must not land in the first timed block
  } finally {
    delete hist.record; // back to the prototype's method
  }
  if (!records.length) throw new Error('ours recorded no time_per_output_chunk for the stream');
  // The same instrument, values and attribute set, on ours' own MeterProvider: what those records cost the SDK.
  const call = async () => {
    for (const [value, attributes] of records) hist.record(value, attributes);
  };
  return { call, perCall: records.length };
}

/** Spans, log records and histogram records through a pipeline set no arm uses (see step 2 above). */
async function prewarmSdk(iterations) {
  const p = createSignalPipelines();
  const tracer = p.tracerProvider.getTracer('prewarm');
  const logger = p.loggerProvider.getLogger('prewarm');
  const hist = p.meterProvider.getMeter('prewarm').createHistogram('prewarm.duration', { unit: 's' });
  const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'server.port': 443, 'gen_ai.response.finish_reasons': ['stop'] };
  for (let i = 0; i < iterations; i++) {
    const span = tracer.startSpan('prewarm', { attributes });
    span.setAttribute('gen_ai.usage.input_tokens', i);
    logger.emit({ eventName: 'prewarm', body: { content: 'x' }, attributes });
    hist.record(i / 1000, attributes);
    span.end();
    if ((i & 255) === 255) await p.flush();
  }
  await p.shutdown();
}

async function timing() {
  const { arms, diagProblems, openaiVersion } = build(undefined);
  const names = Object.keys(arms).filter((n) => n === 'off' || arms[n].instruments(WORKLOAD));
  const calls = {};
  const perCall = {};
  const made = {}; // calls per arm, for the final duration-count check
  for (const n of names) {
    calls[n] = arms[n].callFor(WORKLOAD);
    perCall[n] = await verifyCall(arms[n], WORKLOAD, CAPTURE_ON);
    made[n] = 1;
  }
  // The floor must have recorded exactly what ours recorded (else its figure would not be ours' floor).
  if (perCall.ours && perCall.floor) checkSameTelemetry(WORKLOAD, o.capture, perCall.ours, perCall.floor);
  if (perCall.ours && perCall['floor-span']) checkSameTelemetry(WORKLOAD, o.capture, perCall.ours, perCall['floor-span'], { spanOnly: true });
  const timedNames = [...names];
  if (WORKLOAD === 'stream' && arms.ours) {
    const chunk = await captureChunkRecords(arms.ours);
    made.ours++;
    calls[CHUNK_ARM] = chunk.call;
    perCall[CHUNK_ARM] = { spans: 0, logs: 0, metricRecords: chunk.perCall };
    timedNames.push(CHUNK_ARM);
  }
  const pipelinesOf = (n) => arms[n === CHUNK_ARM ? 'ours' : n].pipelines;
  const block = (n, size) =>
    measureCallBlock(calls[n], size, { spans: perCall[n].spans, events: perCall[n].logs }, {
      spanExporter: pipelinesOf(n).spanExporter,
      logExporter: pipelinesOf(n).logExporter,
      flush: pipelinesOf(n).flush,
    });

  await prewarmSdk(2000);

  const warm = Object.fromEntries(timedNames.map((n) => [n, []]));
  const steady = Object.fromEntries(timedNames.map((n) => [n, []]));
  const warmRounds = Math.ceil(Number(o['warm-calls']) / BLOCK);
  const rounds = warmRounds + Number(o.rounds);
  for (let round = 0; round < rounds; round++) {
    for (const n of orderOf(timedNames, round + RUN)) {
      const b = await block(n, BLOCK);
      (round < warmRounds ? warm : steady)[n].push(b.cpuUs);
      if (n !== CHUNK_ARM) made[n] += BLOCK;
    }
  }

  const allocCalls = Number(o['alloc-calls']);
  const alloc = {};
  for (const n of orderOf(names, RUN)) {
    alloc[n] = await allocationPerCall(calls[n], allocCalls, arms[n].pipelines.flush);
    made[n] += allocCalls;
  }

  for (const n of names) {
    const durations = await arms[n].pipelines.durationCount();
    const want = perCall[n].durations * made[n];
    if (durations !== want) throw new Error(`arm ${n}: duration histogram counted ${durations} calls, expected ${want}`);
  }
  if (diagProblems.length) throw new Error(`instrumentation diag problems:\n${diagProblems.slice(0, 5).join('\n')}`);

  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const result = { workload: WORKLOAD, capture: o.capture, run: RUN, openaiVersion, block: BLOCK, warmCalls: warmRounds * BLOCK, rounds: Number(o.rounds), arms: {} };
  for (const n of timedNames) {
    result.arms[n] = {
      warmUs: mean(warm[n]),
      steadyUs: median(steady[n]),
      steadyBlocks: steady[n],
      allocBytes: alloc[n],
      perCall: perCall[n],
      spansExported: n === CHUNK_ARM ? 0 : pipelinesOf(n).spanExporter.count,
    };
  }
  return result;
}

async function rss() {
  const name = o.arm;
  const { arms, diagProblems, openaiVersion } = build(['off', name].filter((v, i, a) => a.indexOf(v) === i));
  const arm = arms[name];
  // The floor is left out when it cannot record what ours records (--ours-capture-on other than SPAN_ONLY).
  if (!arm || (name !== 'off' && !arm.instruments(WORKLOAD))) return { workload: WORKLOAD, arm: name, instrumented: false };
  const perCall = await verifyCall(arm, WORKLOAD, CAPTURE_ON);
  const call = arm.callFor(WORKLOAD);
  const total = Number(o['rss-calls']);
  const snapshot = async () => {
    await arm.pipelines.flush();
    fullGc();
    fullGc();
    return { rss: process.memoryUsage().rss, heap: heapUsed() };
  };
  const run = async (n) => {
    for (let done = 0; done < n; done += BLOCK) {
      const size = Math.min(BLOCK, n - done);
      await measureCallBlock(call, size, { spans: perCall.spans, events: perCall.logs }, arm.pipelines);
    }
  };
  const first = Math.round(total / 10);
  await run(first);
  const at10 = await snapshot();
  await run(total - first);
  const atEnd = await snapshot();
  if (diagProblems.length) throw new Error(`instrumentation diag problems:\n${diagProblems.slice(0, 5).join('\n')}`);
  return { workload: WORKLOAD, capture: o.capture, arm: name, instrumented: true, openaiVersion, calls: total, from: first, at10, atEnd, spansExported: arm.pipelines.spanExporter.count };
}

try {
  const result = o.mode === 'rss' ? await rss() : await timing();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`peer-case ${WORKLOAD}/${o.capture}: ${err?.stack ?? err}\n`);
  process.exit(2);
}
