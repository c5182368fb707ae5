/*
 * The OTel SDK's floor: what the telemetry of one instrumented call costs the SDK alone, in a warm loop.
 * Makes one real call per workload through the `on` arm (bench/harness.mjs) and records the exact SDK
 * calls the instrumentation made (span name and attributes, details event, histogram records with their
 * attributes), then replays only those, through the same providers, many times. No instrumentation code
 * runs in the loop: this is a lower bound on the added CPU per call that any instrumentation producing
 * the same telemetry would have, on this machine (a warm loop: caches hot, no SDK call around it).
 *
 *   npx node bench/sdk-floor.mjs [--capture SPAN_AND_EVENT] [--dist PATH]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { root, setupHarness } from './harness.mjs';

const { values: o } = parseArgs({
  options: { capture: { type: 'string', default: 'SPAN_AND_EVENT' }, dist: { type: 'string' }, iterations: { type: 'string', default: '20000' } },
});
const h = setupHarness({ dist: resolve(o.dist ?? join(root, 'dist/cjs/index.js')), capture: o.capture, arms: ['off', 'on'] });
const tracer = h.tracerProvider.getTracer('sdk-floor');
const logger = h.loggerProvider.getLogger('sdk-floor');

/** One `on` call of the workload, recording the histogram records it makes. */
async function capture(workload) {
  const instruments = h.instrumentation.instruments;
  const records = [];
  const originals = {};
  for (const [name, hist] of Object.entries(instruments)) {
    originals[name] = hist.record;
    hist.record = function (value, attributes, ctx) {
      records.push([hist, value, attributes]);
      return originals[name].call(this, value, attributes, ctx);
    };
  }
  const spans0 = h.spanExporter.count;
  const logs0 = h.logExporter.count;
  try {
    await h.callFor('on', 'inmemory', workload)();
    await h.flushPipelines();
  } finally {
    for (const hist of Object.values(instruments)) delete hist.record; // back to the prototype's method
  }
  if (h.spanExporter.count !== spans0 + 1) throw new Error('expected one span');
  const span = h.spanExporter.last;
  const log = h.logExporter.count === logs0 + 1 ? h.logExporter.last : undefined;
  return { span, log, records };
}

function replay({ span, log, records }) {
  const attrs = span.attributes;
  return () => {
    tracer.startSpan(span.name, { kind: span.kind, attributes: attrs }).end();
    if (log) logger.emit({ eventName: log.eventName, severityNumber: log.severityNumber, severityText: log.severityText, attributes: log.attributes });
    for (const [hist, value, attributes] of records) hist.record(value, attributes);
  };
}

const N = Number(o.iterations);
const lines = [];
for (const workload of ['chat', 'stream', 'embeddings']) {
  h.setCapture(o.capture);
  const captured = await capture(workload);
  const fn = replay(captured);
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
    `${workload.padEnd(11)} span ${Object.keys(captured.span.attributes).length} attrs, ` +
      `${captured.log ? `event ${Object.keys(captured.log.attributes).length} attrs` : 'no event'}, ` +
      `${captured.records.length} histogram records: ${per[0].toFixed(1)} µs min, ${per[Math.floor(per.length / 2)].toFixed(1)} µs median (process CPU per call)`,
  );
}
console.log(`SDK floor, capture ${o.capture}, Node ${process.version}:\n${lines.join('\n')}`);
await h.shutdown();
