/*
 * Flushes the SDK when the process ends, without ever keeping it alive:
 * - normal end (`beforeExit`: the event loop ran dry): shut the SDK down once; the export keeps the loop
 *   busy until it finishes, then Node exits as it would have;
 * - SIGTERM / SIGINT: shut down, then, if nobody else listens for the signal, re-raise it so the process
 *   ends with the signal's own default behaviour (exit status 128 + n), as without us. If the app has its
 *   own handler, that handler decides when to exit; we only flush alongside.
 * Every wait is capped by `timeoutMillis`: at a normal end, an export still running then (a collector
 * that does not answer, exporter retries) is abandoned and the process exits with its own exit code.
 * An explicit `process.exit()` skips `beforeExit`: nothing asynchronous can run then (see the README).
 */
import { diag } from '@opentelemetry/api';

export interface Shutdownable {
  shutdown(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function flushOnExit(sdk: Shutdownable, timeoutMillis: number): void {
  let shutdown: Promise<ShutdownOutcome> | undefined;
  const shutdownOnce = (): Promise<ShutdownOutcome> => {
    shutdown ??= boundedShutdown(sdk, timeoutMillis);
    return shutdown;
  };

  process.once('beforeExit', () => {
    void shutdownOnce().then((outcome) => {
      // Only our exporters can still hold the loop open here: the app had nothing left to do.
      if (outcome === 'timeout') process.exit();
    });
  });
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      void shutdownOnce().then(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
}

type ShutdownOutcome = 'done' | 'timeout' | 'failed';

async function boundedShutdown(sdk: Shutdownable, timeoutMillis: number): Promise<ShutdownOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMillis);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([sdk.shutdown().then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') diag.warn(`opentelemetry-instrumentation-genai/register: telemetry shutdown did not finish within ${timeoutMillis} ms; unsent data is dropped.`);
    return outcome;
  } catch (error) {
    diag.warn('opentelemetry-instrumentation-genai/register: telemetry shutdown failed', error);
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
