/*
 * Added CPU per call of this package against the other OpenAI instrumentations for Node, side by side in
 * one run: @opentelemetry/instrumentation-openai (contrib) and @traceloop/instrumentation-openai
 * (OpenLLMetry), for chat, a 10-chunk stream and embeddings, content capture off and on, with real trace,
 * metric and log pipelines (arms and their configuration: bench/peer-arms.mjs; one case: bench/peer-case.mjs).
 * Beside them the `floor` arm (bench/floor-arm.mjs): a minimal hand-written instrumentation that records
 * exactly ours' telemetry (checked every case against ours' verified call), i.e. the SDK work ours' telemetry
 * costs with the least code around it; *ours − floor* is the cost of our own code beyond that, and
 * *floor / cheapest* says whether the goal can be met at all with ours' telemetry.
 *
 *   npm run bench:peers                                  # build dist/, then this (about 10 min)
 *   npx node --expose-gc bench/peers.mjs --quick         # smoke run against the current dist/ (2 short runs, about 1 min)
 *   npx node --expose-gc bench/peers.mjs --runs 22       # the figures to report, on a quiet machine
 *   npx node --expose-gc bench/peers.mjs --rss           # RSS and heap growth over 100k calls per arm
 *
 * Options: --runs N (default 7), --block N calls (500), --warm-calls N (7500), --rounds N (15 steady-state
 * rounds), --alloc-calls N (1000), --workloads chat,stream,embeddings, --capture off,on,
 * --ours-capture-on MODE (ours' captureMessageContent with capture on; default true = SPAN_ONLY; any mode
 * with log records leaves the floor arm out of the capture-on cases: it records no log records),
 * --openai-dir PATH (another `openai` release, e.g. one `npm run test:versions -- openai@6` cached),
 * --dist PATH, --rss-calls N (100000), --strict (exit 1 when a goal is missed).
 *
 * Each run spawns one fresh process per case (workload × capture), cases in a rotating order, so every
 * case's warm-up window starts cold; the figures are medians over runs, with the spread over runs.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ARM_NAMES, PEERS, STREAM_USAGE_UNREAD, armConfigs, floorMatchesOurs, peerVersions } from './peer-arms.mjs';
import { benchDir, readVersion, root } from './harness.mjs';
import { f1, iqr, median, minMax, orderOf, range } from './stats.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string' },
    block: { type: 'string' },
    'warm-calls': { type: 'string' },
    rounds: { type: 'string' },
    'alloc-calls': { type: 'string' },
    workloads: { type: 'string', default: 'chat,stream,embeddings' },
    capture: { type: 'string', default: 'off,on' },
    'ours-capture-on': { type: 'string', default: 'true' },
    'openai-dir': { type: 'string' },
    dist: { type: 'string' },
    rss: { type: 'boolean', default: false },
    'rss-calls': { type: 'string' },
    quick: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const Q = opts.quick;
const RUNS = Number(opts.runs ?? (Q ? 2 : 7));
const CASE_ARGS = {
  block: opts.block ?? (Q ? '250' : '500'),
  'warm-calls': opts['warm-calls'] ?? (Q ? '1500' : '7500'),
  rounds: opts.rounds ?? (Q ? '6' : '15'),
  'alloc-calls': opts['alloc-calls'] ?? (Q ? '300' : '1000'),
  'ours-capture-on': opts['ours-capture-on'],
  dist: resolve(opts.dist ?? join(root, 'dist/cjs/index.js')),
  ...(opts['openai-dir'] ? { 'openai-dir': resolve(opts['openai-dir']) } : {}),
};
const RSS_CALLS = opts['rss-calls'] ?? (Q ? '10000' : '100000');
const WORKLOADS = opts.workloads.split(',').filter(Boolean);
const CAPTURES = opts.capture.split(',').filter(Boolean);
const CHUNK = 'chunk-records';
/** The derived figure ours − floor (per run, then the median over runs), kept beside the arms. */
const OURS_FLOOR = 'ours-floor';
/** The derived figure floor − floor-span: the SDK cost of the metric records (per run, then the median). */
const FLOOR_METRICS = 'floor-metrics';
const LABEL = { chat: 'chat', stream: 'stream, 10 chunks + usage', embeddings: 'embeddings' };

/** Runs bench/peer-case.mjs in a fresh process (same Node, --expose-gc); resolves its RESULT. */
function runCase(args) {
  const argv = ['--expose-gc', join(benchDir, 'peer-case.mjs'), ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])];
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`peer-case ${JSON.stringify(args)} exited with ${code}`));
      else resolveResult(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

// ------------------------------------------------------------------------------------------ timing

/** Per case and arm, over runs: added CPU (arm − off of the same run) in the warm-up window and steady state. */
function summarize(results) {
  const first = results[0];
  const arms = Object.keys(first.arms);
  const per = {};
  for (const arm of arms) {
    const added = (key) => results.map((r) => (arm === CHUNK ? r.arms[arm][key] : r.arms[arm][key] - r.arms.off[key]));
    const warm = added('warmUs');
    const steady = added('steadyUs');
    // One run: the spread is the IQR of the per-round differences inside it (no runs to spread over).
    const inRun = results.length === 1 && arm !== 'off' && arm !== CHUNK
      ? iqr(first.arms[arm].steadyBlocks.map((v, i) => v - first.arms.off.steadyBlocks[i]))
      : undefined;
    per[arm] = {
      warm: median(warm),
      warmSpread: minMax(warm),
      steady: median(steady),
      steadySpread: inRun ?? minMax(steady),
      steadyIqr: iqr(steady),
      offSteady: median(results.map((r) => r.arms.off.steadyUs)),
      offWarm: median(results.map((r) => r.arms.off.warmUs)),
      alloc: median(results.map((r) => r.arms[arm].allocBytes ?? NaN)),
      perCall: first.arms[arm].perCall,
    };
  }
  // a − b in each run (off cancels), then over runs as the arms; one run: the IQR per round.
  const difference = (a, b) => {
    const diff = (key) => results.map((r) => r.arms[a][key] - r.arms[b][key]);
    const warm = diff('warmUs');
    const steady = diff('steadyUs');
    return {
      warm: median(warm),
      warmSpread: minMax(warm),
      steady: median(steady),
      steadySpread: results.length === 1 ? iqr(first.arms[a].steadyBlocks.map((v, i) => v - first.arms[b].steadyBlocks[i])) : minMax(steady),
      alloc: median(results.map((r) => (r.arms[a].allocBytes ?? NaN) - (r.arms[b].allocBytes ?? NaN))),
    };
  };
  if (first.arms.ours && first.arms.floor) per[OURS_FLOOR] = difference('ours', 'floor');
  if (first.arms.floor && first.arms['floor-span']) per[FLOOR_METRICS] = difference('floor', 'floor-span');
  return { workload: first.workload, capture: first.capture, arms, per, warmCalls: first.warmCalls, openaiVersion: first.openaiVersion };
}

/** ours' figure against the cheapest peer that instruments the workload (stream: ours minus the per-chunk records). */
function verdict(c, key) {
  const peers = PEERS.filter((p) => c.per[p]);
  const cheapest = peers.reduce((best, p) => (best === undefined || c.per[p][key] < c.per[best][key] ? p : best), undefined);
  const chunk = c.per[CHUNK]?.[key];
  const ours = c.per.ours[key] - (chunk ?? 0);
  const peer = c.per[cheapest][key];
  // The floor against the same peer, the same way: the least ours' telemetry can cost (undefined without a floor arm).
  const floor = c.per.floor ? c.per.floor[key] - (chunk ?? 0) : undefined;
  return { cheapest, ours, peer, chunk, ratio: ours / peer, met: ours <= peer, floor, floorRatio: floor === undefined ? undefined : floor / peer };
}

function timingReport(cases, meta) {
  const L = [];
  const spreadNote = RUNS > 1 ? `min … max over ${RUNS} runs` : 'IQR of the per-round differences (one run)';
  L.push('# Added CPU per call against the peers');
  L.push('');
  L.push(meta.header);
  L.push('');
  L.push(
    `Added µs per call = CPU per call of the arm − of the uninstrumented arm in the same process (process.cpuUsage(), all threads, ` +
      `each block ending with a flush of its pipelines). Steady state: median over ${CASE_ARGS.rounds} rounds of ${CASE_ARGS.block} calls ` +
      `per arm after the warm-up window; warm-up window: mean over the first ${cases[0]?.warmCalls ?? '?'} calls per arm, from a cold ` +
      `process. Figures: median over runs; spread: ${spreadNote}. *chunk records*: the SDK cost of the ` +
      '`gen_ai.client.operation.time_per_output_chunk` records only ours makes (10 per stream), measured in the same run; ' +
      'goal for the stream: ours − chunk records ≤ the cheapest peer. — : the peer does not instrument the workload. ' +
      '*floor*: bench/floor-arm.mjs, a minimal hand-written wrapper of the copy\'s `create` methods that records exactly the span, ' +
      'attributes, content and metric records ours records (checked against ours\' verified call every case; no redaction, no ' +
      'truncation, no generality): the SDK work of ours\' telemetry with the least code around it. *ours − floor*: the cost of ' +
      'our own code beyond that (per run, then the median). *ratio floor / cheapest*: the same ratio for the floor (stream: ' +
      'floor − chunk records), above 1 when even the floor cannot meet the goal with ours\' telemetry. ' +
      '*ratio ours / contrib*: against the peer that also records the duration and token metrics (and, always, per-message log records).',
  );
  for (const [title, key, spreadKey] of [
    ['Steady state', 'steady', 'steadySpread'],
    ['Warm-up window', 'warm', 'warmSpread'],
  ]) {
    L.push('');
    L.push(`## ${title}`);
    L.push('');
    L.push(
      '| workload | capture | off µs | **ours** added | floor added | ours − floor | contrib added | OpenLLMetry added | chunk records | ours − chunk records | cheapest peer | ratio ours / cheapest | goal met | ratio floor / cheapest | ratio ours / contrib |',
    );
    L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--:|--:|');
    for (const c of cases) {
      const v = verdict(c, key);
      const cell = (arm) => (c.per[arm] ? `${f1(c.per[arm][key])} (${range(c.per[arm][spreadKey])})` : '—');
      L.push(
        `| ${LABEL[c.workload]} | ${c.capture} | ${f1(key === 'steady' ? c.per.off.offSteady : c.per.off.offWarm)} | **${cell('ours')}** | ${cell('floor')} | ${cell(OURS_FLOOR)} | ${cell('contrib')} | ${cell('openllmetry')} | ` +
          `${c.per[CHUNK] ? cell(CHUNK) : ''} | ${v.chunk === undefined ? '' : f1(v.ours)} | ${v.cheapest} ${f1(v.peer)} | ${v.ratio.toFixed(2)} | ${v.met ? 'yes' : '**no**'} | ` +
          `${v.floorRatio === undefined ? '—' : v.floorRatio.toFixed(2)} | ${(v.ours / c.per.contrib[key]).toFixed(2)} |`,
      );
    }
  }
  if (cases.some((c) => c.per[FLOOR_METRICS])) floorPartsReport(L, cases);
  L.push('');
  L.push('## Allocation and telemetry per call');
  L.push('');
  L.push(
    'Heap bytes allocated per call (v8.GCProfiler: used heap at the end − at the start + what each GC freed), median over runs; ' +
      'added = arm − off; ours − floor: per run, then the median. Telemetry per call: spans · log records · histogram records, ' +
      'from the verified call of each arm.',
  );
  L.push('');
  L.push(
    '| workload | capture | off B | ours added B | floor added B | ours − floor B | contrib added B | OpenLLMetry added B | ours telemetry | floor telemetry | contrib telemetry | OpenLLMetry telemetry |',
  );
  L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const c of cases) {
    const added = (arm) => (c.per[arm] ? `${(c.per[arm].alloc - c.per.off.alloc).toFixed(0)}` : '—');
    const tel = (arm) => (c.per[arm] ? `${c.per[arm].perCall.spans} · ${c.per[arm].perCall.logs} · ${c.per[arm].perCall.metricRecords}` : '—');
    L.push(
      `| ${LABEL[c.workload]} | ${c.capture} | ${c.per.off.alloc.toFixed(0)} | ${added('ours')} | ${added('floor')} | ` +
        `${c.per[OURS_FLOOR] ? c.per[OURS_FLOOR].alloc.toFixed(0) : '—'} | ${added('contrib')} | ${added('openllmetry')} | ` +
        `${tel('ours')} | ${tel('floor')} | ${tel('contrib')} | ${tel('openllmetry')} |`,
    );
  }
  L.push('');
  L.push(meta.footer);
  L.push('');
  return L.join('\n');
}

/**
 * The floor split in two, steady state: its span alone (floor-span) and its metric records (floor −
 * floor-span), against the cheapest peer. Where the span alone costs what that peer costs and the peer
 * makes no metric records, the floor's excess over it is the metric records: the goal cannot be met
 * while ours keeps them.
 */
function floorPartsReport(L, cases) {
  L.push('');
  L.push('## The floor in parts (steady state)');
  L.push('');
  L.push(
    '*floor-span*: the floor arm without its metric records (the same span, attributes and content; checked against ours\' ' +
      'span every case). *metric records*: floor − floor-span, per run, then the median: what the histogram records cost ' +
      'in situ (the attribute sets, the SDK\'s hashing and aggregation, their garbage). *ratio floor-span / cheapest*: ' +
      'about 1 means the floor\'s span costs what the cheapest peer\'s does, and the rest of the floor is the metric records.',
  );
  L.push('');
  L.push('| workload | capture | floor added | floor-span added | metric records | histogram records per call | cheapest peer | its histogram records | ratio floor-span / cheapest | ratio floor / cheapest (stream: − chunk records) |');
  L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const c of cases) {
    if (!c.per[FLOOR_METRICS]) continue;
    const v = verdict(c, 'steady');
    const cell = (arm) => `${f1(c.per[arm].steady)} (${range(c.per[arm].steadySpread)})`;
    L.push(
      `| ${LABEL[c.workload]} | ${c.capture} | ${cell('floor')} | ${cell('floor-span')} | ${cell(FLOOR_METRICS)} | ${c.per.floor.perCall.metricRecords} | ` +
        `${v.cheapest} ${f1(v.peer)} | ${c.per[v.cheapest].perCall.metricRecords} | ${(c.per['floor-span'].steady / v.peer).toFixed(2)} | ${v.floorRatio.toFixed(2)} |`,
    );
  }
}

// --------------------------------------------------------------------------------------------- rss

function rssReport(rows, meta) {
  const L = ['# Memory over many calls, per arm', '', meta.header, ''];
  L.push(
    `One fresh process per workload and arm, capture on, ${RSS_CALLS} calls in blocks (each ending with a flush); RSS and V8 used heap ` +
      'after two full GCs at 10 % of the calls (everything warm) and at the end. Growth = end − 10 % mark.',
  );
  L.push('');
  L.push(
    'V8 keeps the pages a growing heap committed, so the uninstrumented arm grows too: read *RSS growth − off* (the same ' +
      'workload, never patched) and the heap growth.',
  );
  L.push('');
  L.push('| workload | arm | RSS at 10 % MB | RSS at end MB | RSS growth KB | RSS growth − off KB | heap growth KB | spans exported |');
  L.push('|---|---|--:|--:|--:|--:|--:|--:|');
  const offGrowth = (w) => rows.find((r) => r.workload === w && r.arm === 'off' && r.instrumented);
  const mb = (b) => (b / 1048576).toFixed(1);
  const kb = (b) => `${b >= 0 ? '+' : ''}${(b / 1024).toFixed(0)}`;
  for (const r of rows) {
    if (!r.instrumented) {
      L.push(`| ${LABEL[r.workload]} | ${r.arm} | — | — | — | — | — | not instrumented |`);
      continue;
    }
    L.push(
      `| ${LABEL[r.workload]} | ${r.arm} | ${mb(r.at10.rss)} | ${mb(r.atEnd.rss)} | ${kb(r.atEnd.rss - r.at10.rss)} | ${offGrowth(r.workload) ? kb(r.atEnd.rss - r.at10.rss - (offGrowth(r.workload).atEnd.rss - offGrowth(r.workload).at10.rss)) : '?'} | ${kb(r.atEnd.heap - r.at10.heap)} | ${r.spansExported} |`,
    );
  }
  L.push('');
  return L.join('\n');
}

// -------------------------------------------------------------------------------------------- main

function meta(openaiVersion, seconds) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const v = peerVersions();
  const cfg = armConfigs(CASE_ARGS['ours-capture-on'] === 'true' ? true : CASE_ARGS['ours-capture-on']);
  const show = (c) => `${JSON.stringify(c.off)} / ${JSON.stringify(c.on)}`;
  const outOfRange = Number(openaiVersion.split('.')[0]) >= 7;
  return {
    header:
      `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} · Node ${process.version} · openai ${openaiVersion} (in-memory fetch) · ` +
      `OTel SDK trace ${readVersion('@opentelemetry/sdk-trace-base')}, metrics ${readVersion('@opentelemetry/sdk-metrics')}, logs ${readVersion('@opentelemetry/sdk-logs')} · ` +
      `${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, load avg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at end · ${seconds.toFixed(0)} s\n\n` +
      `Arms (capture off / on): **ours** ${pkg.name}@${pkg.version} ${show(cfg.ours)} · **floor** bench/floor-arm.mjs ` +
      `${floorMatchesOurs('on', cfg.ours.on.captureMessageContent) ? show(cfg.floor) : `${JSON.stringify(cfg.floor.off)} / — (left out: ours makes log records)`} · **contrib** @opentelemetry/instrumentation-openai@${v.contrib} ` +
      `${show(cfg.contrib)} · **OpenLLMetry** @traceloop/instrumentation-openai@${v.openllmetry} ${show(cfg.openllmetry)} · each on its own openai copy and ` +
      `its own tracer, meter and logger providers (batch processors, dropping exporters).` +
      (outOfRange ? ` Both peers declare openai < 7; they are patched directly (bench/peer-arms.mjs) and their telemetry verified.` : ''),
    footer:
      `Checks: every arm's verified call exported one span named as expected, with the finish reason and, with capture on, the content ` +
      `(usage too, except where a peer reads none from a stream: ${STREAM_USAGE_UNREAD.join(', ')}); every block exported exactly ` +
      `calls × (spans, log records) of its arm; each arm's duration histogram counted every call; no diag warning or error; ` +
      `the floor's verified call exported the same span (name, kind, status, scope, every attribute and value) and the same ` +
      `metric records (instruments, advice, attribute sets, counts, token sums and buckets) as ours', ids, timestamps and durations aside.`,
  };
}

async function timingMain(started) {
  const cases = [];
  for (const capture of CAPTURES) for (const workload of WORKLOADS) cases.push({ workload, capture });
  const byCase = new Map(cases.map((c) => [`${c.workload}/${c.capture}`, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const c of orderOf(cases, run)) {
      process.stderr.write(`run ${run + 1}/${RUNS} ${c.workload} capture ${c.capture} ... `);
      const r = await runCase({ ...CASE_ARGS, workload: c.workload, capture: c.capture, run });
      byCase.get(`${c.workload}/${c.capture}`).push(r);
      const a = r.arms;
      const add = (arm) => (a[arm] ? f1(a[arm].steadyUs - a.off.steadyUs) : '—');
      process.stderr.write(
        `off ${f1(a.off.steadyUs)} µs; added ours ${add('ours')}, floor ${add('floor')}, floor-span ${add('floor-span')}, contrib ${add('contrib')}, openllmetry ${add('openllmetry')}` +
          `${a[CHUNK] ? `, chunk records ${f1(a[CHUNK].steadyUs)}` : ''}\n`,
      );
    }
  }
  const summaries = cases.map((c) => summarize(byCase.get(`${c.workload}/${c.capture}`)));
  const md = timingReport(summaries, meta(summaries[0].openaiVersion, (performance.now() - started) / 1000));
  return { md, file: 'peers-latest.md', missed: summaries.some((c) => !verdict(c, 'steady').met || !verdict(c, 'warm').met) };
}

async function rssMain(started) {
  const rows = [];
  for (const workload of WORKLOADS) {
    for (const arm of ARM_NAMES.filter((n) => n !== 'floor-span')) {
      process.stderr.write(`rss ${workload} ${arm} ... `);
      const r = await runCase({ ...CASE_ARGS, mode: 'rss', workload, capture: 'on', arm, 'rss-calls': RSS_CALLS });
      rows.push(r);
      process.stderr.write(r.instrumented ? `RSS ${((r.atEnd.rss - r.at10.rss) / 1024).toFixed(0)} KB, heap ${((r.atEnd.heap - r.at10.heap) / 1024).toFixed(0)} KB\n` : 'not instrumented\n');
    }
  }
  const version = rows.find((r) => r.openaiVersion)?.openaiVersion ?? '?';
  return { md: rssReport(rows, meta(version, (performance.now() - started) / 1000)), file: 'peers-rss-latest.md', missed: false };
}

try {
  const started = performance.now();
  const { md, file, missed } = opts.rss ? await rssMain(started) : await timingMain(started);
  process.stdout.write(`\n${md}`);
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', file), md);
  process.stderr.write(`written to bench/results/${file}\n`);
  if (opts.strict && missed) process.exitCode = 1;
} catch (err) {
  process.stderr.write(`\nBENCHMARK ABORTED: ${err?.stack ?? err}\n`);
  process.exit(2);
}
