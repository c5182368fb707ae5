/*
 * Where the time goes: runs arms of one workload (bench/harness.mjs: off, noop, on, traces, metrics,
 * logs) in short alternating blocks, with the V8 sampling profiler on, and writes one .cpuprofile per
 * arm holding only the samples taken during that arm's blocks. Interleaving matters on a shared machine:
 * profiles of separate runs differ by more than the effect being looked for.
 *
 *   npx node bench/profile.mjs --workload chat --arms off,on --out bench/results/prof/chat
 *   npx node bench/profile-summary.mjs bench/results/prof/chat-on.cpuprofile bench/results/prof/chat-off.cpuprofile
 *
 * Each profile records its call count, so the summary prints µs per call.
 * Options: --workload chat|stream|embeddings (chat), --arms LIST (off,on), --capture MODE
 * (SPAN_AND_EVENT), --transport inmemory|loopback (inmemory), --seconds S of measured blocks in all (6),
 * --block-ms MS (20), --interval µs between samples (250; smaller inflates every arm), --warmup S (1), --out PREFIX (bench/results/prof/<workload>), --dist PATH
 * (dist/cjs/index.js).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { root, setupHarness } from './harness.mjs';

const { values: o } = parseArgs({
  options: {
    workload: { type: 'string', default: 'chat' },
    arms: { type: 'string', default: 'off,on' },
    capture: { type: 'string', default: 'SPAN_AND_EVENT' },
    transport: { type: 'string', default: 'inmemory' },
    seconds: { type: 'string', default: '6' },
    'block-ms': { type: 'string', default: '20' },
    interval: { type: 'string', default: '250' },
    warmup: { type: 'string', default: '1' },
    out: { type: 'string' },
    dist: { type: 'string' },
  },
});
const arms = o.arms.split(',').filter(Boolean);
const out = o.out ?? join(root, 'bench/results/prof', o.workload);
const h = setupHarness({ dist: resolve(o.dist ?? join(root, 'dist/cjs/index.js')), capture: o.capture, arms: [...new Set(['off', 'on', ...arms])] });
if (o.transport === 'loopback') await h.startLoopback();
const calls = Object.fromEntries(arms.map((arm) => [arm, h.callFor(arm, o.transport, o.workload)]));
await h.verify(o.workload, calls, o.capture);

const nowUs = () => Number(process.hrtime.bigint() / 1000n); // the profiler's clock (monotonic, µs)
const blockMs = Number(o['block-ms']);
const runBlock = async (arm, ms) => {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await calls[arm]();
    n++;
  }
  await h.flushPipelines();
  return n;
};
for (let t = 0; t < Number(o.warmup) * 1000; t += blockMs * arms.length) for (const arm of arms) await runBlock(arm, blockMs);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(o.interval) });
await session.post('Profiler.start');
const intervals = Object.fromEntries(arms.map((arm) => [arm, []]));
const counts = Object.fromEntries(arms.map((arm) => [arm, 0]));
const cpu = Object.fromEntries(arms.map((arm) => [arm, 0]));
const rounds = Math.max(1, Math.round((Number(o.seconds) * 1000) / (blockMs * arms.length)));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...arms].reverse() : arms;
  for (const arm of order) {
    const start = nowUs();
    const c0 = process.cpuUsage();
    counts[arm] += await runBlock(arm, blockMs);
    const c = process.cpuUsage(c0);
    cpu[arm] += c.user + c.system;
    intervals[arm].push([start, nowUs()]);
  }
}
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Split the samples by the block they fall in.
let t = profile.startTime;
const times = profile.timeDeltas.map((d) => (t += d));
const first = Math.min(...Object.values(intervals).map((iv) => iv[0][0]));
if (Math.abs(times[0] - first) > 1e6) throw new Error('profiler clock does not match process.hrtime(); cannot split samples');
mkdirSync(dirname(resolve(out)), { recursive: true });
for (const arm of arms) {
  const iv = intervals[arm];
  const samples = [];
  const timeDeltas = [];
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (j < iv.length && iv[j][1] < times[i]) j++;
    if (j < iv.length && iv[j][0] <= times[i]) {
      samples.push(profile.samples[i]);
      timeDeltas.push(i + 1 < times.length ? times[i + 1] - times[i] : 0);
    }
  }
  const file = `${out}-${arm}.cpuprofile`;
  writeFileSync(file, JSON.stringify({ ...profile, samples, timeDeltas, calls: counts[arm] }));
  process.stderr.write(`${o.workload} ${arm}: ${counts[arm]} calls, ${(cpu[arm] / counts[arm]).toFixed(1)} µs CPU/call (process) → ${file}\n`);
}
h.stopLoopback();
await h.shutdown();
