/*
 * Warnings the user must see without any log level: mistakes that would otherwise lose the record
 * silently (a capture setting that cannot be read, context metadata that cannot be recorded, an LLM SDK
 * that was loaded but never patched). Each prints one Node warning (one line on stderr, `--no-warnings`
 * silences it) once per process and key, and goes to diag every time, as the package's other messages do.
 *
 * The keys already warned about are kept on globalThis, so two copies of this package in one process
 * (two installed versions) print a warning once, not once each. Keys are few and fixed by the caller
 * (a field name, a setting's value), never unbounded input.
 */
import { diag } from '@opentelemetry/api';

const WARNED = Symbol.for('opentelemetry-instrumentation-genai.user-warnings');
const holder = globalThis as { [WARNED]?: Set<string> };

/** Node warning codes of this package's user warnings (for `process.on('warning')` filters and tests). */
export const WARNING_CODES = {
  captureSetting: 'OTEL_GENAI_CAPTURE_SETTING',
  contextMetadata: 'OTEL_GENAI_CONTEXT_METADATA',
  sdkNotPatched: 'OTEL_GENAI_SDK_NOT_PATCHED',
} as const;

/** `message` through diag, and as a Node warning with `code` the first time `key` is seen in this process. */
export function warnUser(key: string, code: string, message: string): void {
  diag.warn(message);
  const warned = (holder[WARNED] ??= new Set());
  if (warned.has(key)) return;
  warned.add(key);
  try {
    process.emitWarning(message, { code });
  } catch {
    // A process whose emitWarning was replaced and throws: diag already has the message.
  }
}

/** Whether `key` was already warned about in this process (the SDK watch stops looking for it). */
export function userWarned(key: string): boolean {
  return holder[WARNED]?.has(key) ?? false;
}

/** For tests: forget which keys were warned about. */
export function forgetUserWarnings(): void {
  holder[WARNED]?.clear();
}
