import { diag } from '@opentelemetry/api';

/**
 * Runs instrumentation code that must never disturb the app: an exception is reported through diag and
 * `fallback` is returned instead.
 */
export function safely<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    diag.error(`opentelemetry-instrumentation-genai: ${what} failed; telemetry for this call may be incomplete`, err);
    return fallback;
  }
}
