/*
 * CPU overhead of the openai instrumentation: added CPU per SDK call, instrumentation enabled vs not,
 * measured in alternating blocks in one process, with the real OTel SDK pipelines behind it.
 *
 *   npm run bench                                       # builds dist/, then runs this
 *   npx node --expose-gc bench/overhead.mjs [options]   # against the current dist/
 *
 * Options (all optional):
 *   --blocks N          blocks per arm per case (default 30)
 *   --block-ms MS       target wall time of one block (default 80)
 *   --warmup-ms MS      warm-up per case, split over the arms (default 600)
 *   --transports LIST   inmemory,loopback (default both)
 *   --capture LIST      capture modes for the in-memory transport (default SPAN_AND_EVENT,SPAN_ONLY);
 *                       the loopback transport runs the first one only
 *   --workloads LIST    chat,stream,embeddings (default all)
 *   --dist PATH         the built CJS entry to load (default dist/cjs/index.js)
 *   --decompose         in-memory only: also run arms wired to one SDK pipeline each (traces, metrics,
 *                       logs), to split the SDK's share by signal; more blocks, so longer
 *   --quick             8 blocks of 60 ms: a smoke run, not for reporting
 *   --strict            exit 1 when an in-memory target is missed
 *
 * Method (details in bench/README.md):
 *  - Three arms, each its own copy of the `openai` module (bench/harness.mjs): `off` (never patched),
 *    `on` (patched by the instrumentation's require hook, real SDK pipelines) and, for the in-memory
 *    transport, `noop` (patched, but no providers: no-op OTel API), which splits the added cost into
 *    this package's own code and the OTel SDK's work.
 *  - Real SDK pipelines: NodeTracerProvider + BatchSpanProcessor, MeterProvider + PeriodicExporting
 *    MetricReader, LoggerProvider + BatchLogRecordProcessor, AsyncLocalStorage context manager; the
 *    exporters count and drop. Each block ends with a forceFlush of spans and logs INSIDE the measured
 *    window, so batch export work is charged to the block that produced it. Every block asserts it
 *    exported exactly N spans (and N events in SPAN_AND_EVENT) for `on` and none otherwise.
 *  - CPU = process.cpuUsage() user+system of this process: all its threads, so GC helper threads and
 *    JIT compilation count. Also shown: main-thread CPU (process.threadCpuUsage()), less noisy. The
 *    loopback server is a child process, so its CPU is not counted.
 *  - Each round runs one block per arm, the arm order cycling through all permutations, so drift cancels.
 *    A minor GC runs before each block, outside the window (a full GC there tripled the per-call cost
 *    of the next block in both arms: it shrinks the young generation). Added CPU = median(on) -
 *    median(off) over blocks; spreads are 2.5-97.5 percentiles across blocks, for "added" of the
 *    per-round differences on - off.
 *  - Memory: after the timed rounds, 3 blocks' worth of calls per arm between two full GCs; the growth of
 *    V8's used heap is reported.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, readVersion, root, setupHarness } from './harness.mjs';
import { compareArms, f1, fullGc, gcSource, heapGrowthOf, heapUsed, kb, measureCallBlock, median, orderOf, range, timed } from './stats.mjs';

// ---------------------------------------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    blocks: { type: 'string' },
    'block-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    transports: { type: 'string', default: 'inmemory,loopback' },
    capture: { type: 'string', default: 'SPAN_AND_EVENT,SPAN_ONLY' },
    workloads: { type: 'string', default: 'chat,stream,embeddings' },
    dist: { type: 'string' },
    decompose: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const BLOCKS = Number(opts.blocks ?? (opts.quick ? 8 : 30));
const BLOCK_MS = Number(opts['block-ms'] ?? (opts.quick ? 60 : 80));
const WARMUP_MS = Number(opts['warmup-ms'] ?? (opts.quick ? 300 : 600));
const TRANSPORTS = opts.transports.split(',').filter(Boolean);
const CAPTURES = opts.capture.split(',').filter(Boolean);
const WORKLOADS = opts.workloads.split(',').filter(Boolean);
const DIST = resolve(opts.dist ?? join(root, 'dist/cjs/index.js'));

/** Added-CPU targets per call, in-memory transport, content capture on. */
const TARGET_US = { chat: 12, stream: 15, embeddings: 5 };
const WORKLOAD_LABEL = {
  chat: 'chat.completions.create',
  stream: 'chat stream, 10 chunks + usage',
  embeddings: 'embeddings.create',
};
const TRANSPORT_LABEL = { inmemory: 'in-memory fetch', loopback: 'loopback HTTP' };
const ARMS_FOR = {
  inmemory: opts.decompose ? ['off', 'noop', 'on', 'traces', 'metrics', 'logs'] : ['off', 'noop', 'on'],
  loopback: ['off', 'on'],
};

// ---------------------------------------------------------------------------------------------- setup

const ALL_ARMS = [...new Set(TRANSPORTS.flatMap((t) => ARMS_FOR[t]))];
const h = setupHarness({ dist: DIST, capture: CAPTURES[0], arms: ALL_ARMS });
const { spanExporter, logExporter, diagProblems, openaiVersion } = h;

// ------------------------------------------------------------------------------------------- measuring

const measureBlock = (call, n, want) => measureCallBlock(call, n, want, { spanExporter, logExporter, flush: h.flushPipelines });
const heapGrowth = (call, n) => heapGrowthOf(call, n, h.flushPipelines);

/** Calls that recorded gen_ai.client.operation.duration (arms wired to metrics). */
let enabledCalls = 0;
const countCalls = (arm, n) => {
  enabledCalls += h.expected(arm, 'NO_CONTENT').durations * n;
};

async function runCase(transport, capture, workload) {
  h.setCapture(capture);
  const arms = ARMS_FOR[transport];
  const calls = Object.fromEntries(arms.map((arm) => [arm, h.callFor(arm, transport, workload)]));
  const perCall = await h.verify(workload, calls, capture);
  for (const arm of arms) countCalls(arm, 1);

  // Warm-up, all arms in turn; then size the blocks from the `on` arm's wall time per call.
  for (let round = 0; round < 3; round++) {
    for (const arm of arms) countCalls(arm, (await timed(calls[arm], WARMUP_MS / (3 * arms.length))).n);
  }
  const sizing = await timed(calls.on, Math.min(100, BLOCK_MS));
  countCalls('on', sizing.n);
  await h.flushPipelines();
  const n = Math.max(20, Math.round((BLOCK_MS * 1000) / sizing.wallUs));

  const blocks = Object.fromEntries(arms.map((arm) => [arm, []]));
  for (let round = 0; round < BLOCKS; round++) {
    for (const arm of orderOf(arms, round)) {
      blocks[arm].push(await measureBlock(calls[arm], n, perCall[arm]));
      countCalls(arm, n);
    }
  }

  const memCalls = 3 * n;
  const heapOff = await heapGrowth(calls.off, memCalls);
  const heapOn = await heapGrowth(calls.on, memCalls);
  countCalls('on', memCalls);

  const cpu = (arm) => blocks[arm].map((b) => b.cpuUs);
  return {
    transport,
    capture,
    workload,
    n,
    ...compareArms(blocks),
    noopAdded: blocks.noop ? median(cpu('noop')) - median(cpu('off')) : undefined,
    bySignal: Object.fromEntries(
      ['traces', 'metrics', 'logs'].filter((a) => blocks[a]).map((a) => [a, median(cpu(a)) - median(cpu('noop'))]),
    ),
    memCalls,
    heapOn,
    heapOff,
  };
}

// -------------------------------------------------------------------------------------------- report


function report(results, meta) {
  const L = [];
  L.push('# Instrumentation CPU overhead per call');
  L.push('');
  L.push(
    `${meta.date} · Node ${process.version} · openai ${openaiVersion} · ${meta.pkg} · ` +
      `OTel SDK trace ${meta.otel.trace}, metrics ${meta.otel.metrics}, logs ${meta.otel.logs} · ` +
      `${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, load avg ${os.loadavg()[0].toFixed(2)} at end · ` +
      `${BLOCKS} blocks/arm of ~${BLOCK_MS} ms · GC access: ${gcSource}`,
  );
  L.push('');
  L.push(
    'CPU per call = process.cpuUsage() user+system of the benchmark process (all threads) over a block ÷ calls, ' +
      'median over blocks. **added** = median(enabled) − median(disabled); its spread is the 2.5–97.5 percentile ' +
      'of the per-round differences, the other spreads are across blocks. *main thread* = the same from ' +
      'process.threadCpuUsage(). *added, p25* = 25th percentile(enabled) − 25th percentile(disabled): load from other ' +
      'processes only slows blocks down, so this is the estimate from the quieter blocks. *this package alone* = instrumentation patched in but talking to the no-op OTel ' +
      'API (no SDK). Targets apply to the in-memory transport; loopback rows are for reference.',
  );
  L.push('');
  L.push(
    '| transport | capture | workload | calls/block | disabled µs | enabled µs | **added µs** | ratio | added 95% spread | disabled spread | enabled spread | added, main thread | added, p25 | this package alone | target | met |',
  );
  L.push('|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|');
  for (const r of results) {
    const target = TARGET_US[r.workload];
    const binding = r.transport === 'inmemory';
    const met = r.added <= target ? (binding ? 'yes' : '(yes)') : binding ? '**NO**' : '(no)';
    L.push(
      `| ${TRANSPORT_LABEL[r.transport]} | ${r.capture} | ${WORKLOAD_LABEL[r.workload]} | ${r.n} | ` +
        `${f1(r.offMed)} | ${f1(r.onMed)} | **${f1(r.added)}** | ${r.ratio.toFixed(2)} | ${range(r.pairedSpread)} | ` +
        `${range(r.offSpread)} | ${range(r.onSpread)} | ${f1(r.threadAdded)} | ${f1(r.lowAdded)} | ${f1(r.noopAdded)} | ≤ ${target} | ${met} |`,
    );
  }
  const decomposed = results.filter((r) => Object.keys(r.bySignal).length);
  if (decomposed.length) {
    L.push('');
    L.push(
      'Where the added CPU goes (µs/call, medians): *this package* = noop − disabled; each SDK signal = ' +
        '(instrumentation wired to that one real pipeline) − noop. The parts need not add up exactly to the total.',
    );
    L.push('');
    L.push('| capture | workload | added (all) | this package, no-op API | + traces SDK | + metrics SDK | + logs SDK |');
    L.push('|---|---|--:|--:|--:|--:|--:|');
    for (const r of decomposed) {
      L.push(
        `| ${r.capture} | ${WORKLOAD_LABEL[r.workload]} | ${f1(r.added)} | ${f1(r.noopAdded)} | ` +
          `${f1(r.bySignal.traces)} | ${f1(r.bySignal.metrics)} | ${f1(r.bySignal.logs)} |`,
      );
    }
  }
  L.push('');
  L.push(
    'Memory: growth of V8 used heap between two full GCs around a run of calls in one arm (after the timed ' +
      'rounds, so JIT code and metric aggregations already exist). Wall time per call for reference.',
  );
  L.push('');
  L.push('| transport | capture | workload | calls | heap Δ enabled | heap Δ disabled | wall µs/call disabled → enabled |');
  L.push('|---|---|---|--:|--:|--:|--:|');
  for (const r of results) {
    L.push(
      `| ${TRANSPORT_LABEL[r.transport]} | ${r.capture} | ${WORKLOAD_LABEL[r.workload]} | ${r.memCalls} | ` +
        `${kb(r.heapOn)} | ${kb(r.heapOff)} | ${f1(r.offWall)} → ${f1(r.onWall)} |`,
    );
  }
  L.push('');
  L.push(
    `Sanity: ${meta.spans} spans and ${meta.logs} details events exported (and dropped); ` +
      `gen_ai.client.operation.duration count ${meta.durationCount} = instrumented calls with metrics ${enabledCalls}; ` +
      `instrumentation diag warnings/errors: ${diagProblems.length}. Heap after full GC: ${(meta.heapStart / 1048576).toFixed(1)} MB ` +
      `at start, ${(meta.heapEnd / 1048576).toFixed(1)} MB at end. Run time ${meta.seconds.toFixed(0)} s.`,
  );
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const started = performance.now();
  fullGc();
  const heapStart = heapUsed();
  const cases = [];
  for (const transport of TRANSPORTS) {
    const captures = transport === 'inmemory' ? CAPTURES : CAPTURES.slice(0, 1);
    for (const capture of captures) for (const workload of WORKLOADS) cases.push([transport, capture, workload]);
  }
  if (TRANSPORTS.includes('loopback')) await h.startLoopback();

  const results = [];
  for (const [transport, capture, workload] of cases) {
    process.stderr.write(`${transport} ${capture} ${workload} ... `);
    const r = await runCase(transport, capture, workload);
    process.stderr.write(
      `${f1(r.offMed)} → ${f1(r.onMed)} µs/call (+${f1(r.added)}, p25 +${f1(r.lowAdded)}; this package alone +${f1(r.noopAdded)}), ${r.n} calls/block\n`,
    );
    results.push(r);
  }
  h.stopLoopback();

  await h.flushPipelines();
  fullGc();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    pkg: `${pkg.name}@${pkg.version}`,
    otel: {
      trace: readVersion('@opentelemetry/sdk-trace-base'),
      metrics: readVersion('@opentelemetry/sdk-metrics'),
      logs: readVersion('@opentelemetry/sdk-logs'),
    },
    spans: spanExporter.count,
    logs: logExporter.count,
    durationCount: await h.durationCount(),
    heapStart,
    heapEnd: heapUsed(),
    seconds: (performance.now() - started) / 1000,
  };
  if (meta.durationCount !== enabledCalls) throw new Error(`duration histogram counted ${meta.durationCount} calls, expected ${enabledCalls}`);
  if (diagProblems.length) throw new Error(`the instrumentation reported problems:\n${diagProblems.slice(0, 5).join('\n')}`);

  const md = report(results, meta);
  process.stdout.write(`\n${md}`);
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'latest.md'), md);
  process.stderr.write('written to bench/results/latest.md\n');

  await h.shutdown();
  const missed = results.filter((r) => r.transport === 'inmemory' && r.added > TARGET_US[r.workload]);
  if (opts.strict && missed.length) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`\nBENCHMARK ABORTED: ${err?.stack ?? err}\n`);
  h.loopback?.child.kill();
  process.exit(2);
});
