/*
 * The OTel SDK's floor: what the telemetry of one instrumented call costs the SDK alone, in a warm loop.
 * Makes one real call per workload through the `on` arm (bench/harness.mjs) and records the exact SDK
 * calls the instrumentation made (span name and attributes, details event, histogram records with their
 * attributes), then replays only those, through the same providers, many times (capture and replay:
 * bench/sdk-replay.mjs, shared with the `floor` arm of bench/providers.mjs). No instrumentation code runs
 * in the loop: this is a lower bound on the added CPU per call that any instrumentation producing the same
 * telemetry would have, on this machine (a warm loop: caches hot, no SDK call around it).
 *
 *   npx node bench/sdk-floor.mjs [--capture SPAN_AND_EVENT] [--dist PATH]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { root, setupHarness } from './harness.mjs';
import { captureSdkCalls, describeCapture, sdkReplay } from './sdk-replay.mjs';

const { values: o } = parseArgs({
  options: { capture: { type: 'string', default: 'SPAN_AND_EVENT' }, dist: { type: 'string' }, iterations: { type: 'string', default: '20000' } },
});
const h = setupHarness({ dist: resolve(o.dist ?? join(root, 'dist/cjs/index.js')), capture: o.capture, arms: ['off', 'on'] });

/** One `on` call of the workload, and the SDK calls it made (bench/sdk-replay.mjs). */
const capture = (workload) =>
  captureSdkCalls(h.instrumentation.instruments, h, async () => {
    await h.callFor('on', 'inmemory', workload)();
    await h.flushPipelines();
  });

const N = Number(o.iterations);
const lines = [];
for (const workload of ['chat', 'stream', 'embeddings']) {
  h.setCapture(o.capture);
  const captured = await capture(workload);
  const fn = sdkReplay(captured, h).once;
  const per = [];
  for (let rep = 0; rep < 7; rep++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      fn();
      if ((i & 63) === 63) await null; // let the batch processors export
    }
    await h.flushPipelines();
    const t = process.cpuUsage(t0);
    if (rep >= 2) per.push((t.user + t.system) / N);
  }
  per.sort((a, b) => a - b);
  lines.push(
    `${workload.padEnd(11)} ${describeCapture(captured)}: ` +
      `${per[0].toFixed(1)} µs min, ${per[Math.floor(per.length / 2)].toFixed(1)} µs median (process CPU per call)`,
  );
}
console.log(`SDK floor, capture ${o.capture}, Node ${process.version}:\n${lines.join('\n')}`);
await h.shutdown();
