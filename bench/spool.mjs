/*
 * CPU cost of the durable export (disk spool) per LLM call: the instrumented `openai` call exporting
 * through the spool (createDurableExport) vs through what NodeSDK builds without it (batch processors +
 * the OTLP/HTTP protobuf exporters), and vs no instrumentation at all, in alternating blocks in one
 * process.
 *
 *   npm run bench:spool                               # builds dist/, then runs this
 *   npx node --expose-gc bench/spool.mjs [options]    # against the current dist/
 *
 * Options (all optional):
 *   --blocks N          blocks per arm per case (default 45: about a minute in all)
 *   --block-ms MS       target wall time of one block (default 80)
 *   --warmup-ms MS      warm-up per case, split over the arms (default 600)
 *   --capture LIST      capture modes (default SPAN_AND_EVENT,NO_CONTENT)
 *   --workloads LIST    chat,stream (default both)
 *   --dist PATH         the built CJS entry to load (default dist/cjs/index.js)
 *   --quick             8 blocks of 60 ms: a smoke run, not for reporting
 *
 * Method (details in bench/README.md, "Durable export (spool)"):
 *  - Arms, each its own copy of the `openai` module (as bench/overhead.mjs), all on the in-memory LLM
 *    transport (the SDK's `fetch` option): `off` (never patched), `export` and `spool` (each patched by
 *    its own OpenAIInstrumentation through manuallyInstrument). `export`: NodeTracerProvider +
 *    BatchSpanProcessor(OTLPTraceExporter, proto) and LoggerProvider + BatchLogRecordProcessor
 *    (OTLPLogExporter, proto), as NodeSDK builds them by default. `spool`: the same providers with
 *    createDurableExport()'s processors, spooling to a fresh temp directory. Same resource (NodeSDK's
 *    default detectors) and the same metrics pipeline (dropping exporter) behind both.
 *  - Both send over loopback HTTP to bench/otlp-receiver.mjs, a child process (its CPU is not counted)
 *    that answers 200 and counts spans and log records per arm by walking the protobuf.
 *  - CPU per block = process.cpuUsage() (all threads) from before the first call to after a forceFlush
 *    of both arms' trace and log pipelines, so serialization, disk writes, sends and the receiver's
 *    answers are inside the window. After each block the receiver must have got exactly N spans (and N
 *    details events when the capture mode has events) for that arm and none for the other, none twice,
 *    with content exactly when the mode captures it; the spool must have sent everything and left no
 *    batch file behind.
 *  - Bytes written to disk per call = the spool's request bytes the receiver got + the batch file header
 *    per batch (checked once per case against the file sizes on disk).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, callFor, classOf, freshOpenAI, inMemoryFetch, readVersion, root } from './harness.mjs';
import { createPipelines } from './pipelines.mjs';
import { compareArms, f1, fullGc, gcSource, heapGrowthOf, heapUsed, kb, measureCallBlock, median, orderOf, quantile, range, timed } from './stats.mjs';

// ---------------------------------------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    blocks: { type: 'string' },
    'block-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    capture: { type: 'string', default: 'SPAN_AND_EVENT,NO_CONTENT' },
    workloads: { type: 'string', default: 'chat,stream' },
    dist: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const BLOCKS = Number(opts.blocks ?? (opts.quick ? 8 : 45));
const BLOCK_MS = Number(opts['block-ms'] ?? (opts.quick ? 60 : 80));
const WARMUP_MS = Number(opts['warmup-ms'] ?? (opts.quick ? 300 : 600));
const CAPTURES = opts.capture.split(',').filter(Boolean);
const WORKLOADS = opts.workloads.split(',').filter(Boolean);
const DIST = resolve(opts.dist ?? join(root, 'dist/cjs/index.js'));
const ARMS = ['off', 'export', 'spool'];
const INSTRUMENTED = ['export', 'spool'];
/**
 * In-memory calls never yield to I/O, so a batch processor's export cannot finish inside a block and its
 * queue (2048) fills up; past it the SDK drops spans. Blocks stay well below.
 */
const MAX_CALLS_PER_BLOCK = 1500;
/** Text of the user message (bench/fixtures.mjs): present in a span or event exactly when content is captured. */
const CONTENT_MARKER = 'capital of France';
const WORKLOAD_LABEL = { chat: 'chat.completions.create', stream: 'chat stream, 10 chunks + usage' };

const usageError = (message) => {
  process.stderr.write(`spool.mjs: ${message}\n`);
  process.exit(2);
};
for (const w of WORKLOADS) if (!WORKLOAD_LABEL[w]) usageError(`unknown workload ${w} (known: chat, stream)`);
for (const c of CAPTURES) if (!['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'].includes(c)) usageError(`unknown capture mode ${c}`);
if (!(BLOCKS >= 1 && BLOCK_MS > 0 && WARMUP_MS >= 0)) usageError('--blocks, --block-ms and --warmup-ms must be positive numbers');

// ---------------------------------------------------------------------------------------------- setup

// OTEL_* settings would change one arm and not the other (protocol, compression, batch sizes, spool
// directory, capture mode): the benchmark sets everything itself.
for (const key of Object.keys(process.env)) {
  if (!key.startsWith('OTEL_')) continue;
  process.stderr.write(`note: ignoring ${key} for the benchmark\n`);
  delete process.env[key];
}

const require = createRequire(import.meta.url);
const dist = require(DIST);
const { OpenAIInstrumentation } = dist;
// Exported from the package entry; older builds only have it in the spool module.
const { createDurableExport } = dist.createDurableExport ? dist : require(join(dirname(DIST), 'spool/durable-export.js'));
const { HEADER_BYTES } = require(join(dirname(DIST), 'spool/batch-file.js'));
const { isWrapped } = require('@opentelemetry/instrumentation');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } = require('@opentelemetry/resources');

// Global context manager, diag collection (an export or spool failure is a diag warning or error) and
// the metrics pipeline, shared by both instrumented arms; its trace and log pipelines stay unused.
const pipelines = createPipelines();
const { diagProblems } = pipelines;

let receiver;
let spoolRoot;
let durable;

function startReceiver() {
  const child = spawn(process.execPath, [join(benchDir, 'otlp-receiver.mjs'), CONTENT_MARKER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  process.on('exit', () => child.kill());
  return new Promise((resolveReceiver, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        resolveReceiver({
          child,
          base: `http://127.0.0.1:${m[1]}`,
          stats: () =>
            new Promise((res) => {
              child.once('message', res);
              child.send('stats');
            }),
        });
      }
    });
    child.on('exit', (code, signal) => {
      if (receiver?.stopping) return;
      const error = new Error(`the OTLP receiver exited (${code ?? signal})`);
      if (!receiver) return reject(error);
      // Mid-run: a pending stats() request would never be answered.
      process.stderr.write(`\nBENCHMARK ABORTED: ${error.message}\n`);
      cleanUp();
      process.exit(2);
    });
  });
}

/** The filesystem type holding `path` (the longest mount point above it in /proc/mounts), for the report. */
function filesystemOf(path) {
  try {
    let best = { dir: '', type: '?' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, dir, type] = line.split(' ');
      if (dir && (path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) && dir.length > best.dir.length) best = { dir, type };
    }
    return best.type;
  } catch {
    return '?';
  }
}

/** Both instrumented arms' trace and log pipelines, the instrumentations and the three openai copies. */
async function setup() {
  // NodeSDK's default resource: its detectors' attributes travel in every request.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'bench-spool' }))
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }));
  await resource.waitForAsyncAttributes?.();

  const url = (arm, signal) => `${receiver.base}/${arm}/v1/${signal}`;
  spoolRoot = mkdtempSync(join(os.tmpdir(), 'bench-spool-'));
  durable = createDurableExport({ directory: spoolRoot, traces: { url: url('spool', 'traces') }, logs: { url: url('spool', 'logs') } });
  if (!durable.spanProcessor || !durable.logRecordProcessor || !durable.directory) throw new Error('the durable export has no processors or no directory');
  const providers = {
    export: {
      tracerProvider: new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: url('export', 'traces') }))] }),
      loggerProvider: new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: url('export', 'logs') }) })] }),
    },
    spool: {
      tracerProvider: new NodeTracerProvider({ resource, spanProcessors: [durable.spanProcessor] }),
      loggerProvider: new LoggerProvider({ resource, processors: [durable.logRecordProcessor] }),
    },
  };

  const modules = Object.fromEntries(ARMS.map((arm) => [arm, freshOpenAI()]));
  // enabled: false: no require hook, so the `off` copy stays pristine; manuallyInstrument patches.
  const instrumentations = INSTRUMENTED.map((arm) => {
    const inst = new OpenAIInstrumentation({ enabled: false, captureMessageContent: CAPTURES[0] });
    inst.setTracerProvider(providers[arm].tracerProvider);
    inst.setMeterProvider(pipelines.meterProvider);
    inst.setLoggerProvider(providers[arm].loggerProvider);
    inst.manuallyInstrument(modules[arm]);
    return inst;
  });
  const classes = Object.fromEntries(ARMS.map((arm) => [arm, classOf(modules[arm])]));
  if (new Set(Object.values(classes)).size !== ARMS.length) throw new Error('the openai copies are not independent');
  for (const arm of ARMS) {
    if (isWrapped(classes[arm].Chat.Completions.prototype.create) !== (arm !== 'off')) throw new Error(`${arm} copy: create is ${arm === 'off' ? '' : 'not '}wrapped`);
  }

  const all = Object.values(providers).flatMap((p) => [p.tracerProvider, p.loggerProvider]);
  return {
    classes,
    instrumentations,
    // Every arm's block ends with the same flush: the other pipelines are empty and cost next to nothing.
    flush: () => Promise.all(all.map((p) => p.forceFlush())),
    shutdown: () => Promise.all(all.map((p) => p.shutdown())),
  };
}

// ------------------------------------------------------------------------------------------- checking

/** What one call of each arm must deliver: spans and events, and which of them carry content. */
function expectedPerCall(arm, capture) {
  const on = arm !== 'off';
  const events = on && capture.includes('EVENT') ? 1 : 0;
  const spans = on ? 1 : 0;
  return {
    spans,
    events,
    spanContent: capture === 'SPAN_ONLY' || capture === 'SPAN_AND_EVENT' ? spans : 0,
    eventContent: events,
  };
}

const ZERO = { requests: 0, bytes: 0, items: 0, withContent: 0, duplicates: 0, badBodies: 0 };
const delta = (after, before, key) => {
  const a = after[key] ?? ZERO;
  const b = before[key] ?? ZERO;
  return Object.fromEntries(Object.keys(ZERO).map((k) => [k, a[k] - b[k]]));
};

/** Batch files left in the spool directory (its owner file aside). */
function spooledFiles() {
  return readdirSync(durable.directory).filter((name) => name !== 'owner.json');
}

/**
 * Checks what `n` calls of `arm` delivered, from receiver and spool snapshots taken around them; returns
 * the bytes: on the wire per instrumented arm, and written to disk by the spool.
 */
function checkDelivery(arm, n, capture, before, after) {
  const want = expectedPerCall(arm, capture);
  const problems = [];
  const out = { wireBytes: 0, requests: 0, diskBytes: 0, batches: 0 };
  for (const target of INSTRUMENTED) {
    for (const [signal, items, content] of [
      ['traces', want.spans, want.spanContent],
      ['logs', want.events, want.eventContent],
    ]) {
      const d = delta(after.receiver, before.receiver, `${target}:${signal}`);
      const wantItems = target === arm ? items * n : 0;
      const wantContent = target === arm ? content * n : 0;
      if (d.items !== wantItems) problems.push(`${target} ${signal}: ${d.items} items, expected ${wantItems}`);
      if (d.withContent !== wantContent) problems.push(`${target} ${signal}: ${d.withContent} with content, expected ${wantContent}`);
      if (d.duplicates) problems.push(`${target} ${signal}: ${d.duplicates} items received twice`);
      if (d.badBodies) problems.push(`${target} ${signal}: ${d.badBodies} bodies that are not OTLP protobuf`);
      if (target === arm) {
        out.wireBytes += d.bytes;
        out.requests += d.requests;
      }
    }
  }
  const s0 = before.spool;
  const s1 = after.spool;
  for (const k of ['evictedBatches', 'rejectedBatches', 'unreadableBatches', 'tornWrites', 'unwrittenBatches']) {
    if (s1[k] !== s0[k]) problems.push(`spool ${k}: ${s1[k] - s0[k]}`);
  }
  const sentItems = s1.sentItems - s0.sentItems;
  const wantSent = arm === 'spool' ? (want.spans + want.events) * n : 0;
  if (sentItems !== wantSent) problems.push(`the spool counted ${sentItems} items sent, expected ${wantSent}`);
  if (s1.pendingBatches !== 0) problems.push(`${s1.pendingBatches} spool batches still pending`);
  const left = spooledFiles();
  if (left.length) problems.push(`files left in the spool: ${left.slice(0, 3).join(', ')}`);
  if (problems.length) throw new Error(`${capture}, arm ${arm}, ${n} calls: ${problems.join('; ')}`);
  if (arm === 'spool') {
    out.batches = s1.sentBatches - s0.sentBatches;
    out.diskBytes = out.wireBytes + HEADER_BYTES * out.batches; // each batch file: header + its request
  }
  return out;
}

const snapshot = async () => ({ receiver: await receiver.stats(), spool: durable.stats() });

// ------------------------------------------------------------------------------------------- measuring

/** Instrumented calls so far: each recorded gen_ai.client.operation.duration. */
let instrumentedCalls = 0;
const countCalls = (arm, n) => {
  if (arm !== 'off') instrumentedCalls += n;
};

/**
 * One call per arm, checked as a block of one. For the spool arm, also the disk-bytes accounting: the
 * batch files are written synchronously (writeNow), measured on disk before the sender can remove them,
 * and must equal the request bytes the receiver then gets plus a header each.
 */
async function verify(world, calls, capture) {
  for (const arm of ARMS) {
    const before = await snapshot();
    await calls[arm]();
    countCalls(arm, 1);
    let onDisk;
    if (arm === 'spool') {
      durable.writeNow();
      const names = spooledFiles().filter((name) => !name.startsWith('.'));
      onDisk = { files: names.length, bytes: names.reduce((sum, name) => sum + statSync(join(durable.directory, name)).size, 0) };
    }
    await world.flush();
    const got = checkDelivery(arm, 1, capture, before, await snapshot());
    if (onDisk && (onDisk.files !== got.batches || onDisk.bytes !== got.diskBytes)) {
      throw new Error(`${capture}: ${onDisk.files} batch files of ${onDisk.bytes} bytes on disk, accounted ${got.batches} of ${got.diskBytes}`);
    }
  }
}

async function measureBlock(world, arm, call, n, capture) {
  const before = await snapshot();
  const block = await measureCallBlock(call, n, undefined, { flush: world.flush });
  countCalls(arm, n);
  const bytes = checkDelivery(arm, n, capture, before, await snapshot());
  return { ...block, diskPerCall: bytes.diskBytes / n, wirePerCall: bytes.wireBytes / n, requests: bytes.requests, batches: bytes.batches };
}

async function runCase(world, capture, workload) {
  for (const inst of world.instrumentations) {
    inst.setConfig({ ...inst.getConfig(), captureMessageContent: capture });
    if (inst.captureMode !== capture) throw new Error(`capture mode is ${inst.captureMode}, wanted ${capture}`);
  }
  const calls = Object.fromEntries(
    ARMS.map((arm) => {
      const client = new world.classes[arm]({ apiKey: 'sk-bench', maxRetries: 0, baseURL: 'https://api.openai.com/v1', fetch: inMemoryFetch(workload) });
      return [arm, callFor(client, workload)];
    }),
  );
  await verify(world, calls, capture);

  // Warm-up, all arms in turn; then size the blocks from the slower instrumented arm, each arm's wall
  // time per call being the least of three short runs (one GC pause or a busy neighbour doubled it).
  for (let round = 0; round < 3; round++) {
    for (const arm of ARMS) {
      countCalls(arm, (await timed(calls[arm], WARMUP_MS / (3 * ARMS.length))).n);
      await world.flush();
    }
  }
  let wallUs = 0;
  for (const arm of INSTRUMENTED) {
    let least = Infinity;
    for (let i = 0; i < 3; i++) {
      const sizing = await timed(calls[arm], Math.min(40, BLOCK_MS / 2));
      countCalls(arm, sizing.n);
      await world.flush();
      least = Math.min(least, sizing.wallUs);
    }
    wallUs = Math.max(wallUs, least);
  }
  const n = Math.min(MAX_CALLS_PER_BLOCK, Math.max(20, Math.round((BLOCK_MS * 1000) / wallUs)));

  const blocks = Object.fromEntries(ARMS.map((arm) => [arm, []]));
  for (let round = 0; round < BLOCKS; round++) {
    for (const arm of orderOf(ARMS, round)) blocks[arm].push(await measureBlock(world, arm, calls[arm], n, capture));
  }

  const memCalls = 3 * n;
  const heap = {};
  for (const arm of ARMS) {
    heap[arm] = await heapGrowthOf(calls[arm], memCalls, world.flush);
    countCalls(arm, memCalls);
  }

  const med = (arm, key) => median(blocks[arm].map((b) => b[key]));
  const paired = blocks.spool.map((b, i) => b.cpuUs - blocks.export[i].cpuUs);
  return {
    capture,
    workload,
    n,
    cpu: Object.fromEntries(ARMS.map((arm) => [arm, med(arm, 'cpuUs')])),
    exportVsOff: compareArms({ off: blocks.off, on: blocks.export }),
    spoolVsOff: compareArms({ off: blocks.off, on: blocks.spool }),
    // The figure of interest: what the spool adds over the exporters it replaces.
    spoolVsExport: compareArms({ off: blocks.export, on: blocks.spool }),
    pairedIqr: [quantile(paired, 0.25), quantile(paired, 0.75)],
    diskPerCall: med('spool', 'diskPerCall'),
    wirePerCall: { export: med('export', 'wirePerCall'), spool: med('spool', 'wirePerCall') },
    requests: { export: med('export', 'requests'), spool: med('spool', 'requests') },
    batches: med('spool', 'batches'),
    memCalls,
    heap,
  };
}

// -------------------------------------------------------------------------------------------- report

function report(results, meta) {
  const L = [];
  L.push('# Durable export (spool): CPU per call');
  L.push('');
  L.push(
    `${meta.date} · Node ${process.version} · openai ${meta.openai} · ${meta.pkg} · OTel SDK trace ${meta.otel.trace}, logs ${meta.otel.logs}, ` +
      `OTLP proto exporters ${meta.otel.exporter} · ${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, load avg ${meta.loadStart} at start, ` +
      `${os.loadavg()[0].toFixed(2)} at end · spool on ${meta.fs} (${meta.tmp}) · ${BLOCKS} blocks/arm of ~${BLOCK_MS} ms · GC access: ${gcSource}`,
  );
  L.push('');
  L.push(
    'In-memory LLM transport; OTLP/HTTP protobuf to a loopback receiver in a child process (not counted). CPU per call = ' +
      'process.cpuUsage() user+system of the benchmark process (all threads) over a block of calls plus a forceFlush of the ' +
      'trace and log pipelines, ÷ calls; median over blocks. *export* = BatchSpanProcessor + OTLPTraceExporter and ' +
      'BatchLogRecordProcessor + OTLPLogExporter (NodeSDK without the spool); *spool* = createDurableExport() processors; ' +
      '*off* = uninstrumented. **spool − export** = median(spool) − median(export): what the spool adds per call; its spread ' +
      'is the 2.5–97.5 percentile of the per-round differences, *IQR* their 25–75 percentile. *main thread*: the same from process.threadCpuUsage(); ' +
      '*p25*: 25th percentile(spool) − 25th percentile(export), the quieter blocks\' estimate.',
  );
  L.push('');
  L.push(
    '| capture | workload | calls/block | off µs | export µs | spool µs | export − off | spool − off | **spool − export** | spool − export 95% spread | IQR | main thread | p25 | spool / export |',
  );
  L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    const d = r.spoolVsExport;
    L.push(
      `| ${r.capture} | ${WORKLOAD_LABEL[r.workload]} | ${r.n} | ${f1(r.cpu.off)} | ${f1(r.cpu.export)} | ${f1(r.cpu.spool)} | ` +
        `${f1(r.exportVsOff.added)} | ${f1(r.spoolVsOff.added)} | **${f1(d.added)}** | ${range(d.pairedSpread)} | ${range(r.pairedIqr)} | ${f1(d.threadAdded)} | ` +
        `${f1(d.lowAdded)} | ${d.ratio.toFixed(3)} |`,
    );
  }
  L.push('');
  L.push(
    'Bytes: *disk* = bytes of batch files the spool wrote per call (its requests + a ' +
      `${HEADER_BYTES}-byte header per batch); *wire* = request bodies the receiver got per call; requests and spool batches ` +
      'per block (medians). Memory: growth of V8 used heap between two full GCs around a run of calls in one arm (after the ' +
      'timed rounds, flush included).',
  );
  L.push('');
  L.push('| capture | workload | disk B/call | wire B/call export | wire B/call spool | requests/block export | requests/block spool | batches/block | calls | heap Δ off | heap Δ export | heap Δ spool |');
  L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    L.push(
      `| ${r.capture} | ${WORKLOAD_LABEL[r.workload]} | ${r.diskPerCall.toFixed(0)} | ${r.wirePerCall.export.toFixed(0)} | ${r.wirePerCall.spool.toFixed(0)} | ` +
        `${r.requests.export} | ${r.requests.spool} | ${r.batches} | ${r.memCalls} | ${kb(r.heap.off)} | ${kb(r.heap.export)} | ${kb(r.heap.spool)} |`,
    );
  }
  L.push('');
  L.push(
    `Sanity: the receiver got ${meta.items.export} spans and events from export, ${meta.items.spool} from the spool (every block ` +
      `checked: exactly its calls' items, none twice, content exactly when captured); spool counters: ${meta.spoolStats}; ` +
      `gen_ai.client.operation.duration count ${meta.durationCount} = instrumented calls ${instrumentedCalls}; diag warnings/errors: ` +
      `${diagProblems.length}. Heap after full GC: ${(meta.heapStart / 1048576).toFixed(1)} MB at start, ` +
      `${(meta.heapEnd / 1048576).toFixed(1)} MB at end. Run time ${meta.seconds.toFixed(0)} s.`,
  );
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const started = performance.now();
  const loadStart = os.loadavg()[0].toFixed(2);
  fullGc();
  const heapStart = heapUsed();
  receiver = await startReceiver();
  const world = await setup();

  const results = [];
  for (const capture of CAPTURES) {
    for (const workload of WORKLOADS) {
      process.stderr.write(`${capture} ${workload} ... `);
      const r = await runCase(world, capture, workload);
      process.stderr.write(
        `off ${f1(r.cpu.off)}, export ${f1(r.cpu.export)}, spool ${f1(r.cpu.spool)} µs/call (spool − export ${f1(r.spoolVsExport.added)}, ` +
          `p25 ${f1(r.spoolVsExport.lowAdded)}), ${r.n} calls/block\n`,
      );
      results.push(r);
    }
  }

  await world.flush();
  const final = await snapshot();
  const items = (arm) => ['traces', 'logs'].reduce((sum, s) => sum + (final.receiver[`${arm}:${s}`]?.items ?? 0), 0);
  const dupes = Object.values(final.receiver).reduce((sum, s) => sum + s.duplicates, 0);
  if (dupes) throw new Error(`the receiver got ${dupes} items twice`);
  const st = durable.stats();
  if (st.sentItems !== items('spool')) throw new Error(`the spool counted ${st.sentItems} items sent, the receiver got ${items('spool')}`);
  fullGc();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    pkg: `${pkg.name}@${pkg.version}`,
    openai: JSON.parse(readFileSync(join(dirname(require.resolve('openai')), 'package.json'), 'utf8')).version, // no ./package.json export
    otel: { trace: readVersion('@opentelemetry/sdk-trace-base'), logs: readVersion('@opentelemetry/sdk-logs'), exporter: readVersion('@opentelemetry/exporter-trace-otlp-proto') },
    loadStart,
    fs: filesystemOf(realpathSync(spoolRoot)),
    tmp: os.tmpdir(),
    items: { export: items('export'), spool: items('spool') },
    spoolStats: `${st.sentBatches} batches / ${st.sentItems} items sent, ${st.evictedBatches} evicted, ${st.rejectedBatches} rejected, ${st.unreadableBatches} unreadable, ${st.unwrittenBatches} unwritten`,
    durationCount: await pipelines.durationCount(),
    heapStart,
    heapEnd: heapUsed(),
    seconds: (performance.now() - started) / 1000,
  };
  if (meta.durationCount !== instrumentedCalls) throw new Error(`duration histogram counted ${meta.durationCount} calls, expected ${instrumentedCalls}`);
  if (diagProblems.length) throw new Error(`diag reported problems:\n${diagProblems.slice(0, 5).join('\n')}`);

  const md = report(results, meta);
  process.stdout.write(`\n${md}`);
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'spool-latest.md'), md);
  process.stderr.write('written to bench/results/spool-latest.md\n');

  await world.shutdown();
  await pipelines.shutdown();
  cleanUp();
}

function cleanUp() {
  if (receiver) {
    receiver.stopping = true;
    receiver.child.kill();
  }
  if (spoolRoot && existsSync(spoolRoot)) rmSync(spoolRoot, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`\nBENCHMARK ABORTED: ${err?.stack ?? err}\n`);
  cleanUp();
  process.exit(2);
});
