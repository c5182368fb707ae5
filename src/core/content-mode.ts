/*
 * Where message content goes: nowhere (default), on the span as JSON strings, on the
 * `gen_ai.client.inference.operation.details` event as structured values, or both.
 */
import { diag } from '@opentelemetry/api';

export type CaptureMode = 'NO_CONTENT' | 'SPAN_ONLY' | 'EVENT_ONLY' | 'SPAN_AND_EVENT';

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

const MODES: readonly CaptureMode[] = ['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'];

/**
 * Parses a capture setting. Accepts the four mode names in any case, and `true`/`false` (`true` means
 * SPAN_ONLY, so content shows up in trace backends). Returns undefined for an unrecognised value.
 */
export function parseCaptureMode(value: unknown): CaptureMode | undefined {
  if (typeof value === 'boolean') return value ? 'SPAN_ONLY' : 'NO_CONTENT';
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().toUpperCase();
  if (normalized === 'TRUE') return 'SPAN_ONLY';
  if (normalized === 'FALSE') return 'NO_CONTENT';
  return (MODES as readonly string[]).includes(normalized) ? (normalized as CaptureMode) : undefined;
}

/**
 * Resolves the effective mode: the env var wins when set (non-empty), then the config option, then
 * NO_CONTENT. An invalid value gets one diag warning and means no content: an unreadable setting must
 * never turn capture on.
 */
export function resolveCaptureMode(
  configValue: unknown,
  env: NodeJS.ProcessEnv = process.env,
): CaptureMode {
  const raw = env[CAPTURE_CONTENT_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const mode = parseCaptureMode(raw);
    if (mode) return mode;
    diag.warn(
      `${CAPTURE_CONTENT_ENV}=${JSON.stringify(raw)} is not one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, ` +
        'SPAN_AND_EVENT, true or false; message content will not be captured.',
    );
    return 'NO_CONTENT';
  }
  if (configValue === undefined) return 'NO_CONTENT';
  const mode = parseCaptureMode(configValue);
  if (mode) return mode;
  diag.warn(
    `captureMessageContent=${JSON.stringify(configValue)} is not a boolean or one of NO_CONTENT, ` +
      'SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT; message content will not be captured.',
  );
  return 'NO_CONTENT';
}

export const capturesOnSpan = (mode: CaptureMode) => mode === 'SPAN_ONLY' || mode === 'SPAN_AND_EVENT';
export const capturesOnEvent = (mode: CaptureMode) => mode === 'EVENT_ONLY' || mode === 'SPAN_AND_EVENT';
