// Runs examples/support-assistant as a user would, under the zero-code hook
// (`node --import opentelemetry-instrumentation-genai/register`), quiet, with its JSON report: what the
// app itself saw of every model call. Used by `npm run demo`, `npm run demo:jaeger` and the e2e tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../backends/paths.mjs';

/** `process.env` without the variables whose names start with one of `prefixes`. */
export function envWithout(prefixes) {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !prefixes.some((p) => key.startsWith(p))));
}

/**
 * Resolves with `{ report, output }` (output: what the app and the hook printed); rejects on a failed run,
 * with that output as the error's `appOutput`.
 */
export async function runSupportAssistant({ env, reportPath }) {
  // A spool of its own unless the caller gives one: a run's counts must not include what an earlier,
  // interrupted run left in the service's default spool (the hook would send that on start).
  const ownSpool = env.OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR ? undefined : mkdtempSync(join(tmpdir(), 'support-assistant-spool-'));
  const child = spawn(
    process.execPath,
    ['--import', 'opentelemetry-instrumentation-genai/register', 'examples/support-assistant/main.mjs'],
    {
      cwd: ROOT,
      env: {
        ...env,
        ...(ownSpool && { OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: ownSpool }),
        SUPPORT_ASSISTANT_REPORT: reportPath,
        SUPPORT_ASSISTANT_QUIET: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)));
  if (ownSpool) rmSync(ownSpool, { recursive: true, force: true });
  if (code !== 0) throw Object.assign(new Error(`the support-assistant exited with ${code}:\n${output}`), { appOutput: output });
  return { report: JSON.parse(readFileSync(reportPath, 'utf8')), output };
}
