#!/usr/bin/env node
// Installs the packed package into fresh apps on each OpenTelemetry JS release line and checks that it
// works there: spans, metrics and the gen_ai.client.inference.operation.details log record; and on the 2.x
// line with a logs SDK that drops array/map log attributes (sdk-logs 0.210.0), where content must arrive
// as JSON strings with a warning, beside 0.211.0, the first that keeps them.
//
//   npm run test:otel-lines                  # pack (npm pack, whose prepare script builds), then every line
//   npm run test:otel-lines -- otel-3.x      # only this line
//   npm run test:otel-lines -- --skip-build  # pack the dist/ that is already there (--ignore-scripts)
//   npm run test:otel-lines -- --tarball=x.tgz  # test an already packed tarball instead
//
// For each line: .cache/otel-lines/<line>/compat/ is recreated with a package.json that depends on the
// tarball, openai and the line's SDK packages, and installed with a plain `npm install` (no --force, no
// --legacy-peer-deps: a peer conflict there is a real finding, and its npm error is printed). Then the
// line's apps from test/compat/ are copied in and run once per scenario (see the apps' headers). Lines with
// `readme` also follow the README's Start section in .cache/otel-lines/<line>/readme/
// (test/compat/readme-scenarios.mjs). A line runs on the pinned Node 24, or with `node: 'system'` on the
// machine's own node (Node 20 here), npm included. Prints one line per scenario, then per OpenTelemetry line
// `otel-2.x: ok (N passed, N failed; took Ns)`, and a final `N passed, N failed` counting scenarios (a failed
// install counts as one failure); exits 1 when anything failed. The script itself runs on the pinned Node.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installReadmeApp, readmeScenarios, runReadmeScenario } from '../test/compat/readme-scenarios.mjs';
import { ROOT, childEnv, ensurePinnedNode, envForNode, npm, npmErrorText, npmPing, run, seconds, systemNode } from '../test/compat/run-utils.mjs';

ensurePinnedNode(import.meta.url);

const PACK_TIMEOUT_MS = 3 * 60_000; // includes the build (prepare)
const INSTALL_TIMEOUT_MS = 6 * 60_000;
const APP_TIMEOUT_MS = 60_000;

const CACHE = join(ROOT, '.cache', 'otel-lines');
const COMPAT = join(ROOT, 'test', 'compat');

// The zero-code start (`--import` / `-r opentelemetry-instrumentation-genai/register`) with the line's
// own @opentelemetry/sdk-node.
const REGISTER_FILES = ['register-launcher.mjs', 'register-target.mjs', 'register-target.cjs'];
// Files from elsewhere in the repo that the apps import, copied in beside them: the OTLP JSON receiver
// of `npm run demo`, which the register launcher exports to.
const SHARED_FILES = {
  'otlp-receiver.mjs': join(ROOT, 'scripts', 'demo', 'otlp-receiver.mjs'),
  'otlp-protobuf.mjs': join(ROOT, 'scripts', 'demo', 'otlp-protobuf.mjs'),
};
// The bundler of the README's bundled scenario, installed once for every line.
const ESBUILD = 'esbuild@0.28.2';
const registerScenarios = (line) =>
  ['esm', 'cjs'].map((kind) => ({ name: `register-${kind}`, args: ['register-launcher.mjs', line, kind] }));

// The 2.x line's packages and apps, run on the pinned Node and on the machine's Node 20.
const OTEL_2X_APPS = {
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
};

const LINES = {
  'otel-2.x': {
    ...OTEL_2X_APPS,
    // The README's install command with the 2.x line's ranges, and openai 4 (whose shims the ESM
    // snippet's `include` list must keep working).
    readme: { versions: { '@opentelemetry/api': '~1.9.0', '@opentelemetry/sdk-node': '>=0.200.0 <0.300.0' }, openai: 'openai@4', sdkNode: /^0\.2\d\d\./ },
  },
  // The 2.x line on the machine's own Node 20 (>= 20.15: zlib.crc32 for the spool): the same apps, and the
  // README's install command exactly as written, which npm resolves to the 2.x line there (the 3.x
  // packages declare node >= 22.15), with whatever openai npm picks for that Node.
  'otel-2.x-node20': {
    node: 'system',
    label: 'otel-2.x', // what the 2.x apps call their line in their verdicts
    openai: '^4.0.0', // the apps check the patch on OpenAI.Chat.Completions, where openai 4 and 7 have it
    ...OTEL_2X_APPS,
    readme: { versions: {}, openai: 'openai', sdkNode: /^0\.2\d\d\./ },
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
    // The README's install command exactly as written: on Node >= 22.15 npm resolves it to the 3.x line.
    readme: { versions: {}, openai: 'openai', sdkNode: /^0\.3\d\d\./ },
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

/**
 * Packs the repo as a user's `npm pack` does: its `prepare` script builds dist/ first (with --skip-build,
 * the dist/ that is there is packed as is). Returns the tarball path.
 */
async function pack() {
  mkdirSync(CACHE, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', CACHE, ...(skipBuild ? ['--ignore-scripts'] : [])];
  const p = await npm(args, { cwd: ROOT, timeoutMs: PACK_TIMEOUT_MS });
  let info;
  try {
    // The prepare script's own output comes first on stdout; the JSON report starts at a line "[".
    info = JSON.parse(p.stdout.slice(p.stdout.search(/^\[/m)))[0];
  } catch {
    // fall through
  }
  if (p.code !== 0 || !info) fail(`npm pack failed (exit ${p.code}${p.timedOut ? ', timed out' : ''}):\n${npmErrorText(p)}\n${p.stdout.slice(0, 2000)}`);
  const files = info.files.map((f) => f.path);
  for (const f of ['dist/cjs/index.js', 'dist/esm/index.js', 'dist/cjs/register.js', 'package.json']) {
    if (!files.includes(f)) fail(`the packed tarball lacks ${f}${skipBuild ? ' (run `npm run build`, or drop --skip-build)' : ''}`);
  }
  return join(CACHE, info.filename);
}

/** Versions of the packages that matter, from the installed tree (top level and nested copies). */
async function installedSummary(dir, lineNpm) {
  const r = await lineNpm(
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

/** The node, and the environment for npm and the apps, of a line: the pinned Node, or the machine's own. */
function lineNode(line) {
  if (line.node !== 'system') return { path: process.execPath, version: process.version, env: childEnv() };
  const found = systemNode();
  if (!found) throw new Error('no node on PATH besides the pinned one');
  return { ...found, env: envForNode(found.path) };
}

/**
 * One line: its compat app (package.json with the tarball and the line's packages, `npm install`, the
 * scenarios), then the README app (the README's install command, its snippets). Resolves
 * `{ passed, failed, lines }`, counting scenarios; a failed install counts as one failure.
 */
async function runLine(name, line, tarball, esbuild) {
  const node = lineNode(line);
  const lineNpm = (args, opts) => run('npm', args, { ...opts, env: node.env });
  const dir = join(CACHE, name);
  const out = [`  node ${node.version}${line.node === 'system' ? ` (${node.path})` : ''}`];
  let passed = 0;
  let failed = 0;
  const record = (ok) => (ok ? passed++ : failed++);

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'compat'), { recursive: true });
  const appDir = join(dir, 'compat');
  const pkg = {
    name: `genai-compat-${name.replace(/[^a-z0-9]+/gi, '-')}`,
    private: true,
    dependencies: { 'opentelemetry-instrumentation-genai': `file:${tarball}`, openai: line.openai ?? '^7.0.0', ...line.dependencies },
  };
  writeFileSync(join(appDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  for (const f of line.files) copyFileSync(join(COMPAT, f), join(appDir, f));
  for (const [file, from] of Object.entries(SHARED_FILES)) copyFileSync(from, join(appDir, file));

  const inst = await lineNpm(['install', '--no-audit', '--no-fund'], { cwd: appDir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (inst.code !== 0) {
    out.push(`  npm install FAILED (exit ${inst.code}, ${seconds(inst.ms)}):`, ...npmErrorText(inst).split('\n').map((l) => `    ${l}`));
    record(false);
  } else {
    const { versions, problems } = await installedSummary(appDir, lineNpm);
    out.push(`  npm install ok (${seconds(inst.ms)}): ${versions}`);
    for (const p of problems) out.push(`  npm ls problem: ${p}`);
    for (const s of line.scenarios) {
      const r = await run(node.path, s.args, { cwd: appDir, env: node.env, timeoutMs: APP_TIMEOUT_MS });
      const label = `${line.label ?? name} ${s.name}`;
      const verdict = r.stdout.split('\n').find((l) => l.startsWith(`${label}: `));
      const ok = r.code === 0 && verdict !== undefined && verdict.startsWith(`${label}: ok`);
      record(ok);
      if (ok) {
        out.push(`  ${s.name}: ok (${seconds(r.ms)})`);
      } else {
        out.push(`  ${s.name}: FAILED (exit ${r.code}${r.timedOut ? ', timed out' : ''}, ${seconds(r.ms)})`);
        for (const l of `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(0, 40)) out.push(`    ${l}`);
      }
    }
  }

  if (line.readme) {
    const readmeDir = join(dir, 'readme');
    const app = await installReadmeApp({ dir: readmeDir, tarball, versions: line.readme.versions, openai: line.readme.openai, npm: lineNpm });
    out.push(...app.lines);
    if (!app.ok) {
      record(false);
    } else if (!line.readme.sdkNode.test(app.version('@opentelemetry/sdk-node'))) {
      out.push(`  readme install: FAILED (@opentelemetry/sdk-node ${app.version('@opentelemetry/sdk-node')} is not of this line: ${line.readme.sdkNode})`);
      record(false);
    } else {
      for (const scenario of readmeScenarios()) {
        const r = await runReadmeScenario(scenario, { appDir: readmeDir, nodePath: node.path, env: node.env, esbuild });
        record(r.ok);
        out.push(...r.lines.map((l) => l.replace(/^  /, '  readme ')));
      }
    }
  }
  return { passed, failed, lines: out };
}

/** Installs the README's bundler once (CACHE/bundler); returns the esbuild binary's path. */
async function installBundler() {
  const dir = join(CACHE, 'bundler');
  const bin = join(dir, 'node_modules', '.bin', 'esbuild');
  if (existsSync(join(dir, 'node_modules', 'esbuild', 'package.json')) && JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies?.esbuild === ESBUILD.split('@')[1]) return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'genai-compat-bundler', private: true }, null, 2) + '\n');
  const r = await npm(['install', '--save-exact', ESBUILD, '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0) fail(`npm install ${ESBUILD} failed (exit ${r.code}):\n${npmErrorText(r)}`);
  return bin;
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
const esbuild = await installBundler();
let passed = 0;
let failed = 0;
for (const name of selected.length > 0 ? selected : Object.keys(LINES)) {
  const t0 = Date.now();
  let result;
  try {
    result = await runLine(name, LINES[name], tarball, esbuild);
  } catch (err) {
    result = { passed: 0, failed: 1, lines: [`  ${err && err.stack ? err.stack : err}`] };
  }
  for (const l of result.lines) console.log(l);
  console.log(`${name}: ${result.failed === 0 ? 'ok' : 'FAILED'} (${result.passed} passed, ${result.failed} failed; took ${seconds(Date.now() - t0)})`);
  passed += result.passed;
  failed += result.failed;
}
console.log(`total time ${seconds(Date.now() - started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
