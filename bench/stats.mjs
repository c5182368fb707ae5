/*
 * Measurement helpers shared by the benchmarks: GC access, percentiles, and the arm order of a round.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc = globalThis.gc;
export let gcSource = '--expose-gc';
if (typeof gc !== 'function') {
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
    gcSource = 'v8.setFlagsFromString';
  } catch {
    gc = undefined;
    gcSource = 'none';
  }
}
export const fullGc = () => gc?.();
export const minorGc = () => gc?.({ type: 'minor' });
export const heapUsed = () => v8.getHeapStatistics().used_heap_size;
export const threadCpu = typeof process.threadCpuUsage === 'function' ? () => process.threadCpuUsage() : undefined;

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const median = (xs) => quantile(xs, 0.5);
export const spread = (xs) => [quantile(xs, 0.025), quantile(xs, 0.975)];

/** Round r's arm order: the arms rotated by r, reversed on odd cycles: each arm takes each position equally. */
export function orderOf(arms, round) {
  const k = round % arms.length;
  const rotated = [...arms.slice(k), ...arms.slice(0, k)];
  return Math.floor(round / arms.length) % 2 ? rotated.reverse() : rotated;
}

/** Runs `call` repeatedly for about `ms`; returns the count and the wall time per call. */
export async function timed(call, ms) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await call();
    n++;
  }
  return { n, wallUs: ((performance.now() - t0) * 1000) / n };
}

export const f1 = (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));

/**
 * One measured block: `n` calls, then a flush of the pipelines INSIDE the window (batch export work is
 * charged to the block that produced it). Checks that exactly `want.spans` spans and `want.events` events
 * per call were exported (without `spanExporter`, e.g. real exporters, the caller checks instead).
 * Returns CPU (all threads), main-thread CPU and wall time per call, in µs.
 */
export async function measureCallBlock(call, n, want, { spanExporter, logExporter, flush }) {
  const spans0 = spanExporter?.count;
  const logs0 = logExporter?.count;
  minorGc();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const th0 = threadCpu?.();
  for (let i = 0; i < n; i++) await call();
  await flush();
  const cpu = process.cpuUsage(cpu0);
  const th = threadCpu ? process.threadCpuUsage(th0) : undefined;
  const wallMs = performance.now() - t0;

  if (spanExporter) {
    const spans = spanExporter.count - spans0;
    const logs = logExporter.count - logs0;
    if (spans !== want.spans * n || logs !== want.events * n) {
      throw new Error(`a block of ${n} calls exported ${spans} spans and ${logs} events, expected ${want.spans * n} and ${want.events * n}`);
    }
  }
  return {
    cpuUs: (cpu.user + cpu.system) / n,
    threadUs: th ? (th.user + th.system) / n : NaN,
    wallUs: (wallMs * 1000) / n,
  };
}

/** Growth of V8's used heap over `n` calls, between two full GCs. */
export async function heapGrowthOf(call, n, flush) {
  await flush();
  fullGc();
  fullGc(); // the second one collects what the first one's finalization released
  const before = heapUsed();
  for (let i = 0; i < n; i++) await call();
  await flush();
  fullGc();
  fullGc();
  return heapUsed() - before;
}

/**
 * The off-vs-on comparison of measured blocks (`{ cpuUs, threadUs, wallUs }` per block, per arm): medians,
 * spreads, the paired per-round difference, main-thread and 25th-percentile estimates, wall times.
 */
export function compareArms(blocks) {
  const cpu = (arm) => blocks[arm].map((b) => b.cpuUs);
  const thread = (arm) => blocks[arm].map((b) => b.threadUs);
  const wall = (arm) => blocks[arm].map((b) => b.wallUs);
  const r = {
    offMed: median(cpu('off')),
    onMed: median(cpu('on')),
    offSpread: spread(cpu('off')),
    onSpread: spread(cpu('on')),
    pairedSpread: spread(cpu('on').map((v, i) => v - cpu('off')[i])),
    threadAdded: median(thread('on')) - median(thread('off')),
    // Other processes only ever slow a block down: the quieter blocks' estimate.
    lowAdded: quantile(cpu('on'), 0.25) - quantile(cpu('off'), 0.25),
    offWall: median(wall('off')),
    onWall: median(wall('on')),
  };
  r.added = r.onMed - r.offMed;
  r.ratio = r.onMed / r.offMed;
  return r;
}

/** `a … b` of a spread, and a signed size in KB, for the reports. */
export const range = ([a, b]) => `${f1(a)} … ${f1(b)}`;
export const kb = (bytes) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(0)} KB`;

/**
 * Bytes the V8 heap allocated per call over `n` calls (and a flush). Node 24 has no allocation counter, so
 * it is reconstructed from v8.GCProfiler: allocated = used heap at the end − at the start + what every GC
 * in between freed (its used heap before − after). Not timed: the profiler has its own cost.
 */
export async function allocationPerCall(call, n, flush) {
  await flush();
  fullGc();
  const profiler = new v8.GCProfiler();
  const before = heapUsed();
  profiler.start();
  for (let i = 0; i < n; i++) await call();
  await flush();
  const after = heapUsed();
  const { statistics } = profiler.stop();
  let freed = 0;
  for (const gcEvent of statistics) freed += gcEvent.beforeGC.heapStatistics.usedHeapSize - gcEvent.afterGC.heapStatistics.usedHeapSize;
  return (after - before + freed) / n;
}

export const iqr = (xs) => [quantile(xs, 0.25), quantile(xs, 0.75)];
export const minMax = (xs) => [Math.min(...xs), Math.max(...xs)];
