/*
 * Where message content goes: nowhere (default), on the span as JSON strings, on the
 * `gen_ai.client.inference.operation.details` event as structured values, or both.
 */
import { WARNING_CODES, warnUser } from './user-warning';

export type CaptureMode = 'NO_CONTENT' | 'SPAN_ONLY' | 'EVENT_ONLY' | 'SPAN_AND_EVENT';

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

const MODES: readonly CaptureMode[] = ['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'];

const ACCEPTED = 'NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (any case, - for _), true or false';

/**
 * Parses a capture setting. Accepts the four mode names in any case and with `-` for `_` (`span-only`:
 * the names are often written so in YAML and CLI flags, and nothing else can be meant), and
 * `true`/`false` (`true` means SPAN_ONLY, so content shows up in trace backends). Anything else (a plural,
 * `0`/`1`, `yes`) is a guess at the intent and returns undefined: the caller warns, visibly.
 */
export function parseCaptureMode(value: unknown): CaptureMode | undefined {
  if (typeof value === 'boolean') return value ? 'SPAN_ONLY' : 'NO_CONTENT';
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().toUpperCase().replaceAll('-', '_');
  if (normalized === 'TRUE') return 'SPAN_ONLY';
  if (normalized === 'FALSE') return 'NO_CONTENT';
  return (MODES as readonly string[]).includes(normalized) ? (normalized as CaptureMode) : undefined;
}

/**
 * Resolves the effective mode: the env var wins when set (non-empty) to a readable value, then the config
 * option, then NO_CONTENT. An unreadable env value is ignored, so it never overrides a valid option (nor
 * turns capture on); an unreadable option means NO_CONTENT. Each unreadable value prints one Node warning
 * per process (visible without OTEL_LOG_LEVEL: a setting that silently captures nothing loses the record)
 * and a diag warning at every resolution.
 */
export function resolveCaptureMode(
  configValue: unknown,
  env: NodeJS.ProcessEnv = process.env,
): CaptureMode {
  const raw = env[CAPTURE_CONTENT_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const mode = parseCaptureMode(raw);
    if (mode) return mode;
    warnUser(
      `capture-env:${raw}`,
      WARNING_CODES.captureSetting,
      `opentelemetry-instrumentation-genai: ${CAPTURE_CONTENT_ENV}=${JSON.stringify(raw)} is not one of ${ACCEPTED}; ` +
        'it is ignored: the captureMessageContent option applies (no content where it is not set).',
    );
  }
  if (configValue === undefined) return 'NO_CONTENT';
  const mode = parseCaptureMode(configValue);
  if (mode) return mode;
  const shown = describeSetting(configValue);
  warnUser(
    `capture-option:${shown}`,
    WARNING_CODES.captureSetting,
    `opentelemetry-instrumentation-genai: captureMessageContent ${shown} is not a boolean or one of ` +
      'NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (any case, - for _); message content is not captured.',
  );
  return 'NO_CONTENT';
}

/** A configuration value as the user wrote it (settings are not personal data); other types by their type. */
function describeSetting(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return '(an array)';
  return `(${typeof value === 'object' ? 'an' : 'a'} ${typeof value})`;
}

export const capturesOnSpan = (mode: CaptureMode) => mode === 'SPAN_ONLY' || mode === 'SPAN_AND_EVENT';
export const capturesOnEvent = (mode: CaptureMode) => mode === 'EVENT_ONLY' || mode === 'SPAN_AND_EVENT';
