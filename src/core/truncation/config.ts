/*
 * Size budget for captured content: the option, its environment variable, and the inline-binary opt-in.
 *
 * `OTEL_INSTRUMENTATION_GENAI_MAX_CONTENT_BYTES` (positive integer, bytes): the most UTF-8 bytes one
 *   content attribute (its JSON string) may take. Default 65536 (64 KiB). A value below 256 is raised to
 *   256, because under that even a one-message skeleton may not fit.
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_INLINE_BINARY` (`true` / `false`): keep inline binary (base64 blobs,
 *   data: URLs) instead of replacing it by a placeholder. Default false.
 *
 * An environment variable, when set (non-empty), wins over the config option. An unreadable value (either
 * source) gets exactly one diag warning and means the default.
 */
import { diag } from '@opentelemetry/api';
import { describeValue, resolveBooleanSetting } from '../boolean-setting';

export const MAX_CONTENT_BYTES_ENV = 'OTEL_INSTRUMENTATION_GENAI_MAX_CONTENT_BYTES';
export const CAPTURE_INLINE_BINARY_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_INLINE_BINARY';

/** Default budget for one content attribute: 64 KiB of UTF-8 JSON. */
export const DEFAULT_MAX_CONTENT_BYTES = 65536;

/**
 * The smallest budget the truncator honours. At or above it, the output always fits the budget, in the
 * conventions' shape; below it, content that does not fit becomes an empty array (`[]`).
 */
export const MIN_CONTENT_BYTES = 256;

export interface TruncationConfig {
  /**
   * The most UTF-8 bytes the JSON of one content attribute may take (default 65536). Values below 256 are
   * raised to 256. `OTEL_INSTRUMENTATION_GENAI_MAX_CONTENT_BYTES` wins over this option.
   */
  maxContentBytes?: number;
  /**
   * Keep inline binary (blob parts' base64, data: URLs) when it fits in the budget, instead of replacing
   * it by a `[BINARY <mime> <n> bytes omitted]` placeholder (default false). Content over the budget loses
   * its binary first either way. `OTEL_INSTRUMENTATION_GENAI_CAPTURE_INLINE_BINARY` wins over this option.
   */
  captureInlineBinary?: boolean;
}

export interface TruncationSettings {
  readonly maxContentBytes: number;
  readonly captureInlineBinary: boolean;
}

/** The effective settings: env var when set, then the config option, then the default. */
export function resolveTruncationSettings(
  config: TruncationConfig | undefined = {},
  env: NodeJS.ProcessEnv = process.env,
): TruncationSettings {
  return {
    maxContentBytes: resolveMaxContentBytes(config?.maxContentBytes, env[MAX_CONTENT_BYTES_ENV]),
    captureInlineBinary: resolveCaptureInlineBinary(config?.captureInlineBinary, env[CAPTURE_INLINE_BINARY_ENV]),
  };
}

function resolveMaxContentBytes(configValue: unknown, raw: string | undefined): number {
  if (raw !== undefined && raw.trim() !== '') {
    const text = raw.trim();
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isSafeInteger(n) && n > 0) return atLeastMinimum(n, `${MAX_CONTENT_BYTES_ENV}=${JSON.stringify(raw)}`);
    diag.warn(
      `${MAX_CONTENT_BYTES_ENV}=${JSON.stringify(raw)} is not a positive integer; ` +
        `using the default of ${DEFAULT_MAX_CONTENT_BYTES} bytes.`,
    );
    return DEFAULT_MAX_CONTENT_BYTES;
  }
  if (configValue === undefined) return DEFAULT_MAX_CONTENT_BYTES;
  if (typeof configValue === 'number' && Number.isSafeInteger(configValue) && configValue > 0) {
    return atLeastMinimum(configValue, `maxContentBytes=${configValue}`);
  }
  diag.warn(
    `maxContentBytes=${describeValue(configValue)} is not a positive integer; ` +
      `using the default of ${DEFAULT_MAX_CONTENT_BYTES} bytes.`,
  );
  return DEFAULT_MAX_CONTENT_BYTES;
}

function atLeastMinimum(n: number, what: string): number {
  if (n >= MIN_CONTENT_BYTES) return n;
  diag.warn(`${what} is below the minimum of ${MIN_CONTENT_BYTES} bytes; using ${MIN_CONTENT_BYTES}.`);
  return MIN_CONTENT_BYTES;
}

function resolveCaptureInlineBinary(configValue: unknown, raw: string | undefined): boolean {
  return resolveBooleanSetting(CAPTURE_INLINE_BINARY, configValue, raw);
}

const CAPTURE_INLINE_BINARY = {
  envName: CAPTURE_INLINE_BINARY_ENV,
  optionName: 'captureInlineBinary',
  defaultValue: false,
  defaultMeans: 'inline binary will not be captured',
};

