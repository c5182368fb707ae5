// Helpers shared by scripts/test-versions.mjs and scripts/test-otel-lines.mjs: run on the repo's pinned
// Node (>= 22), run child processes with a time limit, and run npm with that Node first in PATH.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MIN_NODE_MAJOR = 22;

/**
 * Re-runs the calling script on the repo's pinned Node (the `node` devDependency) when started on an
 * older one, e.g. plain `node scripts/x.mjs` on a machine whose own node is 20. Returns only on a good Node.
 */
export function ensurePinnedNode(scriptUrl) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return;
  const pinned = join(ROOT, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned) || process.env.GENAI_REEXEC === '1') {
    console.error(
      `Node ${process.versions.node} is too old (need >= ${MIN_NODE_MAJOR}; openai 7 and the OpenTelemetry 3.x line require it). ` +
        'Run through npm (`npm run test:versions`) or `npx node <script>`.',
    );
    process.exit(2);
  }
  const r = spawnSync(pinned, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, GENAI_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

/**
 * The environment for npm and child apps: this Node's directory first in PATH, and without what `npm run`
 * exports about the repo itself (npm_config_local_prefix=<repo> would point a nested `npm install` at the
 * repo's own node_modules). Other npm_config_* (registry, cache, cafile) are kept.
 */
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(lifecycle_|package_|command$|execpath$|node_execpath$)/i.test(k)) continue;
    if (/^npm_config_(local_prefix|prefix|global_prefix|global|call|user_agent|npm_version|node_gyp)$/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = [dirname(process.execPath), env.PATH ?? ''].join(delimiter);
  delete env.NODE_OPTIONS;
  delete env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  return { ...env, ...extra };
}

/**
 * The machine's own `node` (not the repo's pinned one): the first `node` on PATH outside any node_modules
 * (`npm run` puts the repo's node_modules/.bin, with the pinned node, first). `{ path, version }`, or
 * undefined when there is none.
 */
export function systemNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (realpathSync(candidate) === realpathSync(process.execPath)) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}

/** childEnv() for running npm and apps on another node: its directory first in PATH, no node_modules/.bin dirs. */
export function envForNode(nodePath, extra = {}) {
  const env = childEnv(extra);
  const rest = env.PATH.split(delimiter).filter((d) => d && !d.includes('node_modules') && d !== dirname(process.execPath));
  env.PATH = [dirname(nodePath), ...rest].join(delimiter);
  return env;
}

/**
 * Runs a command; resolves `{ code, stdout, stderr, timedOut, ms }`, never rejects (spawn errors become
 * code -1 with the message in stderr). Kills the whole process group on timeout.
 */
export function run(cmd, args, { cwd = ROOT, env = childEnv(), timeoutMs = 300_000, echo = false } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, stdout, stderr: String(err), timedOut, ms: Date.now() - started });
      return;
    }
    child.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(err), timedOut, ms: Date.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** npm, run with the pinned Node first in PATH (npm's own shebang is `#!/usr/bin/env node`). */
export function npm(args, opts = {}) {
  return run('npm', args, { ...opts, env: opts.env ?? childEnv() });
}

/** The npm error lines of a failed npm run (the `npm error` block), or the output's tail, with a hint for network failures. */
export function npmErrorText(result, maxLines = 40) {
  const all = `${result.stderr}\n${result.stdout}`;
  const lines = all.split('\n');
  const errs = lines.filter((l) => /^npm (error|ERR!)/.test(l));
  const pick = errs.length > 0 ? errs : lines.filter((l) => l.trim() !== '');
  let text = pick.slice(0, maxLines).join('\n');
  // npm reports an unreachable registry during resolution as ERESOLVE with "Found: <pkg>@undefined".
  if (/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNRESET|network|Found: \S+@undefined/i.test(all)) {
    text += '\n(hint: this looks like a network or registry failure, not a dependency conflict; check `npm ping`)';
  }
  return result.timedOut ? `timed out\n${text}` : text;
}

/** Fails fast with a clear message when the npm registry cannot be reached. */
export async function npmPing(timeoutMs = 30_000) {
  const r = await npm(['ping'], { timeoutMs });
  if (r.code !== 0) {
    return `the npm registry is not reachable (\`npm ping\` ${r.timedOut ? 'timed out' : `exited ${r.code}`}):\n${npmErrorText(r, 10)}`;
  }
  return undefined;
}

export const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
