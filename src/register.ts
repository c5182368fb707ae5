/*
 * Zero-code start: `node --import opentelemetry-instrumentation-genai/register app.mjs` (ES modules) or
 * `node -r opentelemetry-instrumentation-genai/register app.js` (CommonJS). See ./startup/start-telemetry.ts.
 *
 * Loading it twice (both flags, or a preload plus an import) starts telemetry once, in the main thread. Nothing here may
 * throw into the app: a failure to start is reported through diag and the app runs without telemetry.
 */
import { diag } from '@opentelemetry/api';
import { isMainThread } from 'node:worker_threads';
import { startGenAITelemetry } from './startup/start-telemetry';

const STARTED = Symbol.for('opentelemetry-instrumentation-genai.register');
const holder = globalThis as { [STARTED]?: boolean };

// Telemetry runs in the main thread only. Node also runs `--require` preloads in its module-hooks worker
// thread, where a second SDK and a second loader hook would be wrong; app worker threads that inherit
// the flag are left alone too (each would otherwise start an SDK of its own).
if (isMainThread && !holder[STARTED]) {
  holder[STARTED] = true;
  try {
    startGenAITelemetry();
  } catch (error) {
    diag.error('opentelemetry-instrumentation-genai/register: could not start telemetry; the app runs without it.', error);
  }
}
