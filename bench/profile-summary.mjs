/*
 * Summarises a .cpuprofile written by bench/profile.mjs: self time by package/file and by function, per
 * call. With two profiles (on, off), also the per-call difference.
 *
 *   node bench/profile-summary.mjs on.cpuprofile [off.cpuprofile] [--top 40]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' } },
});

function bucketOf(url) {
  if (!url) return '(native/vm)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1];
  const d = /\/(dist\/cjs|results\/dist\/cjs)\/(.*)$/.exec(url);
  if (d) return `THIS PACKAGE ${d[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^.*\/work\/main\//, '');
}

function load(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFn = new Map();
  const byBucket = new Map();
  let total = 0;
  for (const node of p.nodes) {
    const t = dt.get(node.id) ?? 0;
    if (!t) continue;
    total += t;
    const cf = node.callFrame;
    const b = bucketOf(cf.url);
    const fn = `${cf.functionName || '(anon)'}  ${b}:${cf.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    byBucket.set(b, (byBucket.get(b) ?? 0) + t);
  }
  // Inclusive time of each of this package's functions (and the OTel SDK entry points it calls), counted
  // once per stack even when recursive.
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  for (const [id, t] of dt) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      const b = bucketOf(cf.url);
      if (!b.startsWith('THIS PACKAGE')) continue;
      const fn = `${cf.functionName || '(anon)'}  ${b}:${cf.lineNumber + 1}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + t);
    }
  }
  return { total, byFn, byBucket, inclusive, calls: p.calls ?? 1 };
}

const top = Number(o.top);
const [onFile, offFile] = positionals;
const on = load(onFile);
const nOn = on.calls;
const show = (title, map, n) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v / n).toFixed(2).padStart(10)}  ${k}`);
};
console.log(`total ${(on.total / nOn).toFixed(1)} µs${nOn > 1 ? '/call' : ''}`);
show('self time by package/file (µs' + (nOn > 1 ? '/call)' : ')'), on.byBucket, nOn);
show('self time by function', on.byFn, nOn);
show("inclusive time of this package's functions", on.inclusive, nOn);
if (offFile) {
  const off = load(offFile);
  const nOff = off.calls;
  console.log(`\noff total ${(off.total / nOff).toFixed(1)} µs/call`);
  const diff = (a, b) => {
    const keys = new Set([...a.keys(), ...b.keys()]);
    return new Map([...keys].map((k) => [k, (a.get(k) ?? 0) / nOn - (b.get(k) ?? 0) / nOff]));
  };
  const d = diff(on.byBucket, off.byBucket);
  console.log('\n## on − off per call, by package/file (µs)');
  for (const [k, v] of [...d].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(2).padStart(10)}  ${k}`);
  const df = diff(on.byFn, off.byFn);
  console.log('\n## on − off per call, by function (µs)');
  for (const [k, v] of [...df].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(2).padStart(10)}  ${k}`);
}
