/*
 * Flushes the SDK when the process ends, without ever keeping it alive longer than `timeoutMillis`:
 * - normal end (`beforeExit`: the event loop ran dry): end the calls the app never finished, shut the SDK
 *   down once, waiting at most `timeoutMillis`, then let Node exit as it would have;
 * - SIGTERM / SIGINT with no other listener: the same, then re-raise the signal so the process ends with
 *   the signal's own default behaviour (exit status 128 + n), as without us;
 * - SIGTERM / SIGINT that the app handles itself: the app decides when to exit, so the SDK stays up (calls
 *   still in flight must be recorded). With a durable export, what waits in memory is written to the
 *   spool at once and sent meanwhile; its 'exit' handler writes the rest. Without one, the SDK is shut
 *   down alongside the app's handler, as the best that can be done.
 * An explicit `process.exit()` skips all of this: only synchronous work runs then, which is what the
 * durable export's own 'exit' handler does (see ../spool/durable-export.ts).
 */
import { diag } from '@opentelemetry/api';
import { endOpenInvocations } from '../core';
import type { DurableExport } from '../spool/durable-export';
import { resolveShutdownTimeout } from './startup-config';

export interface Shutdownable {
  shutdown(): Promise<void>;
}

export interface FlushOnExitOptions {
  /** The longest wait at exit (ms); default OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT, else 5000. */
  timeoutMillis?: number;
  /** The durable export whose processors the SDK uses, if any (see createDurableExport). */
  durableExport?: DurableExport;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Shuts `sdk` (a NodeSDK, or anything with `shutdown()`) down when the process ends; see the file header. */
export function flushOnExit(sdk: Shutdownable, options: FlushOnExitOptions = {}): void {
  const timeoutMillis = options.timeoutMillis ?? resolveShutdownTimeout();
  const durable = options.durableExport;
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
      if (process.listenerCount(signal) > 0 && durable) {
        durable.writeNow();
        void durable.flush(timeoutMillis);
        return;
      }
      void shutdownOnce().then(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
}

type ShutdownOutcome = 'done' | 'timeout' | 'failed';

/**
 * Ends the calls still open (the process is going away: record them now or never), then shuts the SDK
 * down. The timer is not unref'd: it keeps the process alive while the last telemetry is sent (the
 * spool's own sockets do not), and no longer than `timeoutMillis`.
 */
async function boundedShutdown(sdk: Shutdownable, timeoutMillis: number): Promise<ShutdownOutcome> {
  endOpenInvocations('shutdown');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMillis);
  });
  try {
    const outcome = await Promise.race([sdk.shutdown().then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') diag.warn(`opentelemetry-instrumentation-genai/register: telemetry shutdown did not finish within ${timeoutMillis} ms; what is not spooled is dropped.`);
    return outcome;
  } catch (error) {
    diag.warn('opentelemetry-instrumentation-genai/register: telemetry shutdown failed', error);
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
