/*
 * The idle limit of a call that waits on the app (see ./open-invocations.ts):
 * `OTEL_INSTRUMENTATION_GENAI_IDLE_TIMEOUT` (milliseconds; 0 turns the limit off), or the `idleTimeout`
 * option; the variable wins when set. Default 10 minutes, the default request timeout of the OpenAI and
 * Anthropic SDKs: a call that waited longer on the app with no sign of life is not going to finish.
 * An unreadable value gets one diag warning and means the default.
 */
import { diag } from '@opentelemetry/api';

export const IDLE_TIMEOUT_ENV = 'OTEL_INSTRUMENTATION_GENAI_IDLE_TIMEOUT';
export const DEFAULT_IDLE_TIMEOUT_MS = 600_000;

export function resolveIdleTimeout(configValue: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[IDLE_TIMEOUT_ENV]?.trim();
  if (raw) {
    if (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
    diag.warn(`${IDLE_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a whole number of milliseconds; using ${DEFAULT_IDLE_TIMEOUT_MS}.`);
    return DEFAULT_IDLE_TIMEOUT_MS;
  }
  if (configValue === undefined) return DEFAULT_IDLE_TIMEOUT_MS;
  if (typeof configValue === 'number' && Number.isSafeInteger(configValue) && configValue >= 0) return configValue;
  diag.warn(`idleTimeout=${JSON.stringify(configValue)} is not a whole number of milliseconds; using ${DEFAULT_IDLE_TIMEOUT_MS}.`);
  return DEFAULT_IDLE_TIMEOUT_MS;
}
