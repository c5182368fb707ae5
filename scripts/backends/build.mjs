// Builds the e2e backends once and caches them under .cache/backends (ignored by git): an OpenTelemetry
// Collector made by the Collector Builder from test/e2e/backends/otelcol-builder.yaml, and Jaeger v2 built
// from the pinned tools module test/e2e/backends/jaeger-tool. A rebuild happens only when those inputs
// change (their hash is kept in build-stamp.json). Needs Go 1.26+ and the Go module proxy.
//
// CLI: `node scripts/backends/build.mjs` (prints what it did and how long each build took).
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as p from './paths.mjs';

const run = promisify(execFile);
const MIN_GO = [1, 26];

/** Throws a clear error when `go` is missing or older than 1.26. */
export async function checkGo(env = process.env) {
  let out;
  try {
    ({ stdout: out } = await run('go', ['version'], { env }));
  } catch {
    throw new Error(
      'Go 1.26 or later is needed to build the e2e backends (OpenTelemetry Collector, Jaeger), but `go` was not found on PATH. Install Go from https://go.dev/dl/ and retry.',
    );
  }
  const m = /go(\d+)\.(\d+)/.exec(out);
  const version = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (version[0] < MIN_GO[0] || (version[0] === MIN_GO[0] && version[1] < MIN_GO[1])) {
    throw new Error(`Go 1.26 or later is needed to build the e2e backends; found: ${out.trim()}`);
  }
  return out.trim();
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const file of [p.COLLECTOR_MANIFEST, join(p.JAEGER_TOOL_DIR, 'go.mod'), join(p.JAEGER_TOOL_DIR, 'go.sum')]) {
    hash.update(readFileSync(file));
  }
  hash.update(`${p.BUILDER_VERSION} ${p.JAEGER_VERSION}`);
  return hash.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(p.BUILD_STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The time since `start` as "45 s" or "3 min 05 s". */
export function elapsed(start, now = Date.now()) {
  const s = Math.round((now - start) / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * Runs one build command with progress: `log` gets a line when it starts and then every `everyMs` while it
 * runs (elapsed time, packages compiled and modules downloaded so far as `go -v` reports them, and its
 * latest line of output), so a cold build of several minutes is visibly alive. Resolves with its seconds.
 */
export function buildStep({ what, cmd, args, cwd, env, log, everyMs = 20_000 }) {
  const start = Date.now();
  log(`${what}: started (${[cmd.split('/').pop(), ...args].join(' ')})`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let last = '';
    let packages = 0;
    let downloads = 0;
    let partial = '';
    const onData = (d) => {
      const text = partial + d;
      const lines = text.split('\n');
      partial = lines.pop();
      output = (output + d).slice(-64 * 1024); // the tail, for an error
      for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        if (line.startsWith('go: downloading ')) downloads++;
        else if (/^[\w.-]+(\/[\w.@+~-]+)*$/.test(line)) packages++; // `go -v`: one package path per compiled package
        last = line;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const counts = [packages && `${packages} packages compiled`, downloads && `${downloads} modules downloaded`].filter(Boolean).join(', ');
      // The builder's log lines start with a timestamp and level: keep the message.
      const latest = last.replace(/^\S*\d{4}-\d\d-\d\dT\S+\s+(INFO|WARN|DEBUG)\s+(\S+\.go:\d+\s+)?/, '').slice(0, 100);
      log(`${what}: still building, ${elapsed(start)}${counts ? `, ${counts}` : ''}${latest ? ` (latest: ${latest})` : ''}`);
    }, everyMs);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new Error(`${what}: cannot run ${cmd}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (code === 0) return resolve(Math.round((Date.now() - start) / 1000));
      reject(new Error(`${what} failed (${[cmd, ...args].join(' ')} exited with ${code ?? signal}):\n${output.trim().split('\n').slice(-30).join('\n')}`));
    });
  });
}

/**
 * Makes sure both binaries exist for the current inputs. Returns
 * `{ built: boolean, seconds: { collector, jaeger } }` (seconds of this run's builds, or of the build that
 * made the cached binaries). `log` gets progress lines while it builds (see buildStep).
 */
export async function ensureBackends({ log = () => {}, everyMs } = {}) {
  const hash = inputsHash();
  const stamp = readStamp();
  if (stamp?.hash === hash && existsSync(p.COLLECTOR_BIN) && existsSync(p.JAEGER_BIN)) {
    return { built: false, seconds: stamp.seconds };
  }
  const goVersion = await checkGo();
  log(`building the e2e backends once with ${goVersion} into .cache/backends (a cold build takes 7-12 min, most of it downloading and compiling Go modules)`);
  mkdirSync(dirname(p.BUILDER_BIN), { recursive: true });
  const env = { ...process.env, CGO_ENABLED: '0' };
  const started = Date.now();
  const seconds = {};
  seconds.collector =
    (await buildStep({
      what: `1/4 Collector Builder ${p.BUILDER_VERSION}`,
      cmd: 'go',
      args: ['install', '-v', `go.opentelemetry.io/collector/cmd/builder@${p.BUILDER_VERSION}`],
      env: { ...env, GOBIN: dirname(p.BUILDER_BIN) },
      log,
      everyMs,
    })) +
    (await buildStep({
      what: '2/4 collector sources and Go modules (test/e2e/backends/otelcol-builder.yaml)',
      cmd: p.BUILDER_BIN,
      args: [`--config=${p.COLLECTOR_MANIFEST}`, '--skip-compilation'],
      cwd: p.INPUTS,
      env,
      log,
      everyMs,
    })) +
    // The builder's own compile step keeps go's output until the end: the same `go build` (its flags), run
    // here with -v so that the longest step reports the packages it compiled.
    (await buildStep({
      what: '3/4 collector otelcol-genai',
      cmd: 'go',
      args: ['build', '-v', '-trimpath', '-o', basename(p.COLLECTOR_BIN), '-ldflags=-s -w', '-gcflags='],
      cwd: dirname(p.COLLECTOR_BIN),
      env,
      log,
      everyMs,
    }));
  log(`collector built in ${seconds.collector} s`);
  seconds.jaeger = await buildStep({
    what: `4/4 Jaeger ${p.JAEGER_VERSION}`,
    cmd: 'go',
    args: ['build', '-v', '-trimpath', '-ldflags=-s -w', '-o', p.JAEGER_BIN, 'github.com/jaegertracing/jaeger/cmd/jaeger'],
    cwd: p.JAEGER_TOOL_DIR,
    env,
    log,
    everyMs,
  });
  log(`jaeger built in ${seconds.jaeger} s; both built in ${elapsed(started)}`);
  writeFileSync(p.BUILD_STAMP, JSON.stringify({ hash, seconds, builtAt: new Date().toISOString() }, null, 2));
  return { built: true, seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureBackends({ log: (m) => console.log(m) }).then(
    ({ built, seconds }) =>
      console.log(`${built ? 'built' : 'cached'}: collector ${seconds.collector} s, jaeger ${seconds.jaeger} s`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
