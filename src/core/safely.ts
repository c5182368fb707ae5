import { diag } from '@opentelemetry/api';

/**
 * Runs instrumentation code that must never disturb the app: an exception is reported through diag and
 * `fallback` is returned instead.
 */
export function safely<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    reportFailure(what, err);
    return fallback;
  }
}

/**
 * What `safely` reports, for hot paths that catch inline (per call or per stream chunk) instead of
 * allocating a closure for `safely`.
 */
export function reportFailure(what: string, err: unknown): void {
  diag.error(`opentelemetry-instrumentation-genai: ${what} failed; telemetry for this call may be incomplete`, err);
}
