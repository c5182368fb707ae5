#!/usr/bin/env node
// Installs the packed package into fresh apps on each OpenTelemetry JS release line and checks that it
// works there: spans, metrics and the gen_ai.client.inference.operation.details log record; and on the 2.x
// line with a logs SDK that drops array/map log attributes (sdk-logs 0.210.0), where content must arrive
// as JSON strings with a warning, beside 0.211.0, the first that keeps them.
//
//   npm run test:otel-lines                  # build, pack, then every line
//   npm run test:otel-lines -- otel-3.x      # only this line
//   npm run test:otel-lines -- --skip-build  # pack the dist/ that is already there
//   npm run test:otel-lines -- --tarball=x.tgz  # test an already packed tarball instead
//
// For each line: .cache/otel-lines/<line>/ is recreated with a package.json that depends on the tarball,
// openai@7 and the line's SDK packages, and installed with a plain `npm install` (no --force, no
// --legacy-peer-deps: a peer conflict there is a real finding, and its npm error is printed). Then the
// line's apps from test/compat/ are copied in and run once per scenario (see the apps' headers). Prints
// one line per OpenTelemetry line (`otel-2.x: ok`) after its scenarios, and a final `N passed, N failed`
// counting lines; exits 1 when anything failed. Runs on the pinned Node (>= 22; the 3.x line needs it).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, ensurePinnedNode, npm, npmErrorText, npmPing, run, seconds } from '../test/compat/run-utils.mjs';

ensurePinnedNode(import.meta.url);

const BUILD_TIMEOUT_MS = 3 * 60_000;
const PACK_TIMEOUT_MS = 2 * 60_000;
const INSTALL_TIMEOUT_MS = 6 * 60_000;
const APP_TIMEOUT_MS = 60_000;

const CACHE = join(ROOT, '.cache', 'otel-lines');
const COMPAT = join(ROOT, 'test', 'compat');

// The zero-code start (`--import` / `-r opentelemetry-instrumentation-genai/register`) with the line's
// own @opentelemetry/sdk-node.
const REGISTER_FILES = ['register-launcher.mjs', 'register-target.mjs', 'register-target.cjs'];
// Files from elsewhere in the repo that the apps import, copied in beside them: the OTLP JSON receiver
// of `npm run demo`, which the register launcher exports to.
const SHARED_FILES = { 'otlp-receiver.mjs': join(ROOT, 'scripts', 'demo', 'otlp-receiver.mjs') };
const registerScenarios = (line) =>
  ['esm', 'cjs'].map((kind) => ({ name: `register-${kind}`, args: ['register-launcher.mjs', line, kind] }));

const LINES = {
  'otel-2.x': {
    dependencies: {
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/api-logs': '>=0.200.0 <0.300.0',
      '@opentelemetry/instrumentation': '>=0.200.0 <0.300.0',
      '@opentelemetry/sdk-trace-node': '^2.0.0',
      '@opentelemetry/sdk-trace-base': '^2.0.0',
      '@opentelemetry/sdk-metrics': '^2.0.0',
      '@opentelemetry/sdk-logs': '>=0.200.0 <0.300.0',
      '@opentelemetry/sdk-node': '>=0.200.0 <0.300.0',
    },
    files: ['compat-common.cjs', 'app-otel2.cjs', ...REGISTER_FILES],
    scenarios: [
      ...['register-providers', 'global-register', 'global-late', 'global-only', 'nodesdk'].map((s) => ({
        name: s,
        args: ['app-otel2.cjs', s],
      })),
      ...registerScenarios('otel-2.x'),
    ],
  },
  // The 2.x line's logs SDK before 0.211.0 (allowed by this package's ranges), which drops array/map log
  // attributes: the details record's content must arrive as JSON strings, with one Node warning; and
  // sdk-logs 0.211.0, the first that keeps them, beside it (app-logs-sdk.cjs).
  'otel-2.x-logs-0.210': {
    dependencies: {
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/api-logs': '0.210.0',
      '@opentelemetry/instrumentation': '0.210.0',
      '@opentelemetry/sdk-trace-node': '2.4.0',
      '@opentelemetry/sdk-trace-base': '2.4.0',
      '@opentelemetry/sdk-logs': '0.210.0',
      '@opentelemetry/sdk-node': '0.210.0',
      'sdk-logs-0.211': 'npm:@opentelemetry/sdk-logs@0.211.0',
    },
    files: ['compat-common.cjs', 'app-logs-sdk.cjs'],
    scenarios: ['logger-provider-0.210', 'nodesdk-0.210', 'logger-provider-0.211'].map((s) => ({ name: s, args: ['app-logs-sdk.cjs', s] })),
  },
  'otel-3.x': {
    dependencies: {
      '@opentelemetry/api': '~1.10.0',
      '@opentelemetry/context-async-hooks': '^3.0.0',
      '@opentelemetry/instrumentation': '>=0.300.0 <0.400.0',
      '@opentelemetry/sdk-trace': '^3.0.0',
      '@opentelemetry/sdk-metrics': '^3.0.0',
      '@opentelemetry/sdk-logs': '^3.0.0',
      '@opentelemetry/sdk-node': '>=0.300.0 <0.400.0',
    },
    files: ['compat-common.cjs', 'app-otel3.cjs', 'app-otel3.mjs', 'otel3-esm-preload.mjs', ...REGISTER_FILES],
    scenarios: [
      ...['nodesdk', 'register-providers', 'global-register', 'global-late', 'global-only'].map((s) => ({
        name: s,
        args: ['app-otel3.cjs', s],
      })),
      { name: 'nodesdk-esm', args: ['--import', './otel3-esm-preload.mjs', 'app-otel3.mjs'] },
      ...registerScenarios('otel-3.x'),
    ],
  },
};

const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const tarballArg = args.find((a) => a.startsWith('--tarball='))?.slice('--tarball='.length);
const selected = args.filter((a) => !a.startsWith('--'));
for (const l of selected) {
  if (!LINES[l]) {
    console.error(`unknown line "${l}" (known: ${Object.keys(LINES).join(', ')})`);
    process.exit(2);
  }
}

function fail(message) {
  console.error(message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** Builds (unless --skip-build) and packs the repo; returns the tarball path. */
async function pack() {
  if (!skipBuild) {
    const b = await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { timeoutMs: BUILD_TIMEOUT_MS });
    if (b.code !== 0) fail(`build failed (exit ${b.code}${b.timedOut ? ', timed out' : ''}):\n${(b.stdout + b.stderr).trim()}`);
  }
  for (const f of ['dist/cjs/index.js', 'dist/esm/index.js']) {
    if (!existsSync(join(ROOT, f))) fail(`${f} is missing: run \`npm run build\` (or drop --skip-build)`);
  }
  mkdirSync(CACHE, { recursive: true });
  const p = await npm(['pack', '--json', '--pack-destination', CACHE], { cwd: ROOT, timeoutMs: PACK_TIMEOUT_MS });
  let info;
  try {
    info = JSON.parse(p.stdout)[0];
  } catch {
    // fall through
  }
  if (p.code !== 0 || !info) fail(`npm pack failed (exit ${p.code}):\n${npmErrorText(p)}`);
  const files = info.files.map((f) => f.path);
  for (const f of ['dist/cjs/index.js', 'dist/esm/index.js', 'package.json']) {
    if (!files.includes(f)) fail(`the packed tarball lacks ${f}`);
  }
  return join(CACHE, info.filename);
}

/** Versions of the packages that matter, from the installed tree (top level and nested copies). */
async function installedSummary(dir) {
  const r = await npm(
    ['ls', '--all', '--json', '@opentelemetry/api', '@opentelemetry/api-logs', '@opentelemetry/instrumentation', 'import-in-the-middle', 'openai'],
    { cwd: dir, timeoutMs: 60_000 },
  );
  const seen = new Map();
  const walk = (deps) => {
    for (const [name, d] of Object.entries(deps ?? {})) {
      if (d.version) {
        const set = seen.get(name) ?? new Set();
        set.add(d.version);
        seen.set(name, set);
      }
      walk(d.dependencies);
    }
  };
  let json = {};
  try {
    json = JSON.parse(r.stdout);
  } catch {
    // leave empty
  }
  walk(json.dependencies);
  const versions = [...seen].map(([n, v]) => `${n}@${[...v].join('+')}`).join(' ');
  return { versions, problems: json.problems ?? [] };
}

async function runLine(name, line, tarball) {
  const dir = join(CACHE, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: `genai-compat-${name.replace(/[^a-z0-9]+/gi, '-')}`,
    private: true,
    dependencies: { 'opentelemetry-instrumentation-genai': `file:${tarball}`, openai: '^7.0.0', ...line.dependencies },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  for (const f of line.files) copyFileSync(join(COMPAT, f), join(dir, f));
  for (const [name, from] of Object.entries(SHARED_FILES)) copyFileSync(from, join(dir, name));

  const t0 = Date.now();
  const inst = await npm(['install', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (inst.code !== 0) {
    return { ok: false, lines: [`  npm install FAILED (exit ${inst.code}, ${seconds(inst.ms)}):`, ...npmErrorText(inst).split('\n').map((l) => `    ${l}`)] };
  }
  const out = [];
  const { versions, problems } = await installedSummary(dir);
  out.push(`  npm install ok (${seconds(Date.now() - t0)}): ${versions}`);
  for (const p of problems) out.push(`  npm ls problem: ${p}`);

  let ok = true;
  for (const s of line.scenarios) {
    const r = await run(process.execPath, s.args, { cwd: dir, timeoutMs: APP_TIMEOUT_MS });
    const verdict = r.stdout.split('\n').find((l) => l.startsWith(`${name} ${s.name}: `));
    const passed = r.code === 0 && verdict !== undefined && verdict.startsWith(`${name} ${s.name}: ok`);
    ok &&= passed;
    if (passed) {
      out.push(`  ${s.name}: ok (${seconds(r.ms)})`);
    } else {
      out.push(`  ${s.name}: FAILED (exit ${r.code}${r.timedOut ? ', timed out' : ''}, ${seconds(r.ms)})`);
      const text = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(0, 40);
      for (const l of text) out.push(`    ${l}`);
    }
  }
  return { ok, lines: out };
}

const started = Date.now();
let tarball;
if (tarballArg) {
  tarball = resolve(tarballArg);
  if (!existsSync(tarball)) fail(`--tarball: ${tarball} does not exist`);
  console.log(`testing ${tarball}`);
} else {
  tarball = await pack();
  console.log(`packed ${tarball.slice(ROOT.length + 1)} (${seconds(Date.now() - started)})`);
}
const pingError = await npmPing();
if (pingError) fail(pingError);
let passed = 0;
let failed = 0;
for (const name of selected.length > 0 ? selected : Object.keys(LINES)) {
  const t0 = Date.now();
  let result;
  try {
    result = await runLine(name, LINES[name], tarball);
  } catch (err) {
    result = { ok: false, lines: [`  ${err && err.stack ? err.stack : err}`] };
  }
  for (const l of result.lines) console.log(l);
  console.log(`  took ${seconds(Date.now() - t0)}`);
  console.log(`${name}: ${result.ok ? 'ok' : 'FAILED'}`);
  if (result.ok) passed++;
  else failed++;
}
console.log(`total time ${seconds(Date.now() - started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
