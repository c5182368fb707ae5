/*
 * The zero-code start's own setting:
 * `OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT` (milliseconds, default 5000): the longest the process
 * waits at exit (normal end, SIGTERM, SIGINT) for the last telemetry to be exported. An unreadable value
 * gets one diag warning and means the default.
 */
import { DiagLogLevel, diag } from '@opentelemetry/api';

export const SHUTDOWN_TIMEOUT_ENV = 'OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT';
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

export function resolveShutdownTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[SHUTDOWN_TIMEOUT_ENV]?.trim();
  if (!raw) return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (/^\d+$/.test(raw) && Number(raw) > 0 && Number.isSafeInteger(Number(raw))) return Number(raw);
  diag.warn(`${SHUTDOWN_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a positive integer (milliseconds); using ${DEFAULT_SHUTDOWN_TIMEOUT_MS}.`);
  return DEFAULT_SHUTDOWN_TIMEOUT_MS;
}

/** `OTEL_LOG_LEVEL` (NONE, ERROR, WARN, INFO, DEBUG, VERBOSE, ALL; any case) as a DiagLogLevel; unset or unknown: undefined. */
export function diagLogLevelFromEnv(env: NodeJS.ProcessEnv = process.env): DiagLogLevel | undefined {
  const raw = env.OTEL_LOG_LEVEL?.trim().toUpperCase();
  if (!raw) return undefined;
  const level = (DiagLogLevel as unknown as Record<string, DiagLogLevel | undefined>)[raw];
  return typeof level === 'number' ? level : undefined;
}
