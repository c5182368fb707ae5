// Builds the e2e backends once and caches them under .cache/backends (ignored by git): an OpenTelemetry
// Collector made by the Collector Builder from test/e2e/backends/otelcol-builder.yaml, and Jaeger v2 built
// from the pinned tools module test/e2e/backends/jaeger-tool. A rebuild happens only when those inputs
// change (their hash is kept in build-stamp.json). Needs Go 1.26+ and the Go module proxy.
//
// CLI: `node scripts/backends/build.mjs` (prints what it did and how long each build took).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

async function timed(fn) {
  const start = Date.now();
  await fn();
  return Math.round((Date.now() - start) / 1000);
}

async function go(args, options) {
  try {
    return await run('go', args, { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    throw new Error(`\`go ${args.join(' ')}\` failed:\n${error.stderr || error.message}`);
  }
}

/**
 * Makes sure both binaries exist for the current inputs. Returns
 * `{ built: boolean, seconds: { collector, jaeger } }` (seconds of this run's builds, or of the build that
 * made the cached binaries).
 */
export async function ensureBackends({ log = () => {} } = {}) {
  const hash = inputsHash();
  const stamp = readStamp();
  if (stamp?.hash === hash && existsSync(p.COLLECTOR_BIN) && existsSync(p.JAEGER_BIN)) {
    return { built: false, seconds: stamp.seconds };
  }
  log(`building the e2e backends with ${await checkGo()} (cached in .cache/backends once built)`);
  mkdirSync(dirname(p.BUILDER_BIN), { recursive: true });
  const env = { ...process.env, CGO_ENABLED: '0' };
  const seconds = {};
  seconds.collector = await timed(async () => {
    await go(['install', `go.opentelemetry.io/collector/cmd/builder@${p.BUILDER_VERSION}`], {
      env: { ...env, GOBIN: dirname(p.BUILDER_BIN) },
    });
    try {
      await run(p.BUILDER_BIN, [`--config=${p.COLLECTOR_MANIFEST}`], { cwd: p.INPUTS, env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`the Collector Builder failed:\n${error.stderr || error.message}`);
    }
  });
  log(`collector built in ${seconds.collector} s`);
  seconds.jaeger = await timed(() =>
    go(['build', '-trimpath', '-ldflags=-s -w', '-o', p.JAEGER_BIN, 'github.com/jaegertracing/jaeger/cmd/jaeger'], {
      cwd: p.JAEGER_TOOL_DIR,
      env,
    }),
  );
  log(`jaeger built in ${seconds.jaeger} s`);
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
