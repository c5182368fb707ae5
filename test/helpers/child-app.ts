/*
 * The module-system tests' side of the child-process apps in test/apps/: each provider has a CommonJS app
 * and an ES module app with its `node --import` preload, which load this package's BUILT entry points (by
 * package name, through the package.json "exports" self-reference) and the real SDK, call the test's
 * loopback mock server, and print one result line (test/apps/telemetry.cjs). Jest's own module registry
 * never lets the require hook see an SDK load, so these apps are where the module hooks are exercised.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURE_CONTENT_ENV } from './env';
import { startOtlpReceiver } from '../../scripts/demo/otlp-receiver.mjs';

export const ROOT = join(__dirname, '..', '..');
const APPS = join(ROOT, 'test', 'apps');
const RESULT_MARKER = 'GENAI_APP_RESULT ';
const CHILD_TIMEOUT_MS = 20_000;

export interface AppSpan {
  name: string;
  kind: number;
  scope: string;
  spanId: string;
  parentSpanId?: string;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
}

/** What every app reports; each provider's apps add their own fields. */
export interface AppResult {
  app: 'cjs' | 'esm';
  registered: boolean;
  spans: AppSpan[];
  metrics: Array<{ name: string; scope: string; points: number }>;
  logs: Array<{ eventName?: string }>;
}

/** The node arguments of a provider's apps (test/apps/<provider>-cjs-app.cjs, <provider>-esm-{preload,app}.mjs). */
export function childApps(provider: string): { cjs: string[]; esm: string[] } {
  return {
    cjs: [join(APPS, `${provider}-cjs-app.cjs`)],
    esm: ['--import', join(APPS, `${provider}-esm-preload.mjs`), join(APPS, `${provider}-esm-app.mjs`)],
  };
}

export interface RunOptions {
  /** GENAI_APP_REGISTER: whether the app registers the instrumentations (false: the negative control). */
  register: boolean;
  /** More environment variables for the app (where the mock server is, GENAI_APP_ESM_HOOK, ...). */
  env: Record<string, string>;
  /** Variables of the outer environment the app must not see (besides the content capture variable and NODE_OPTIONS). */
  clearedEnv?: readonly string[];
}

/** Runs an app with node and parses its result line. */
export function runApp<R extends AppResult>(args: string[], options: RunOptions): Promise<R> {
  return runAppWithStderr<R>(args, options).then(({ result }) => result);
}

/** runApp, with what the app printed on stderr (its Node warnings). */
export function runAppWithStderr<R extends AppResult>(args: string[], { register, env, clearedEnv = [] }: RunOptions): Promise<{ result: R; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, GENAI_APP_REGISTER: register ? '1' : '0' };
  // Nothing from the outer environment may change what the apps record.
  for (const key of [CAPTURE_CONTENT_ENV, 'NODE_OPTIONS', ...clearedEnv]) delete childEnv[key];
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the mock server lives in this process and must keep serving.
    execFile(process.execPath, args, { cwd: APPS, env: childEnv, timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (error || !line) {
        reject(new Error(`app ${args.join(' ')} failed (${error ? error.message : 'no result line'})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_MARKER.length)) as R, stderr });
    });
  });
}

/** The number of points an app recorded for a metric of an instrumentation scope. */
export function appMetricPoints(result: AppResult, scope: string, name: string): number | undefined {
  return result.metrics.find((m) => m.name === name && m.scope === scope)?.points;
}

/** The GenAI metrics an app recorded (none, in a negative control). */
export function genAIMetrics(result: AppResult): AppResult['metrics'] {
  return result.metrics.filter((m) => m.name.startsWith('gen_ai.'));
}

/** Source files modified after `since` (ms), relative to the repo root. */
function newerThan(dir: string, since: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...newerThan(path, since));
    else if (statSync(path).mtimeMs > since) out.push(path.slice(ROOT.length + 1));
  }
  return out;
}

/** Before the enclosing block: fails if the package is not built (the apps load dist/), warns if src/ changed since. */
export function useBuiltPackage(): void {
  beforeAll(() => {
    const missing = ['dist/cjs/index.js', 'dist/esm/index.js'].filter((f) => !existsSync(join(ROOT, f)));
    if (missing.length > 0) {
      throw new Error(
        `module-systems tests load the BUILT package, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: ` +
          'run `npm run build` first (`npm test` does).',
      );
    }
    const stale = newerThan(join(ROOT, 'src'), statSync(join(ROOT, 'dist', 'cjs', 'index.js')).mtimeMs);
    if (stale.length > 0) {
      console.warn(`module-systems: dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}; these tests run the built package, so run \`npm run build\` (\`npm test\` does).`);
    }
  });
}

/**
 * For each test of the enclosing block: a loopback OTLP/HTTP JSON receiver the app exports to, and a
 * scratch directory of its own (the app's spool, a bundle), both gone after the test.
 */
export function useAppReceiver(scratchPrefix: string): { readonly receiver: Awaited<ReturnType<typeof startOtlpReceiver>>; readonly scratchDir: string } {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>> | undefined;
  let scratchDir: string | undefined;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    scratchDir = mkdtempSync(join(tmpdir(), scratchPrefix));
  });
  afterEach(async () => {
    await receiver?.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  });
  return {
    get receiver() {
      if (!receiver) throw new Error('useAppReceiver: the receiver exists only inside a test');
      return receiver;
    },
    get scratchDir() {
      if (!scratchDir) throw new Error('useAppReceiver: the scratch directory exists only inside a test');
      return scratchDir;
    },
  };
}
