/*
 * The spool's settings: options in code, or environment variables, which win when set.
 *
 * | option      | environment variable                        | default                                          |
 * |-------------|---------------------------------------------|--------------------------------------------------|
 * | spool       | OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED    | true                                             |
 * | directory   | OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR        | <os tmpdir>/otel-genai-spool-<user>/<service>    |
 * | maxBytes    | OTEL_INSTRUMENTATION_GENAI_SPOOL_MAX_BYTES  | 268435456 (256 MiB)                              |
 *
 * A value that cannot be read prints one line on stderr (a Node warning: a wrong spool setting can lose
 * the record) and means the default.
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ATTR_SERVICE_NAME } from '../core/semconv';
import { warnOnce } from './spool-report';

export const SPOOL_ENABLED_ENV = 'OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED';
export const SPOOL_DIR_ENV = 'OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR';
export const SPOOL_MAX_BYTES_ENV = 'OTEL_INSTRUMENTATION_GENAI_SPOOL_MAX_BYTES';
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;

export interface SpoolOptions {
  /**
   * Whether batches are written to disk (default true). false: they are kept in memory until sent, and
   * lost if the process ends first; sending is still bounded at exit. `OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED` wins when set.
   */
  spool?: boolean;
  /** Where batches are spooled. Default: a directory per user and service under the OS temp directory. */
  directory?: string;
  /** Disk budget (bytes); past it the oldest batches are dropped (counted, with one warning). */
  maxBytes?: number;
  /** For the default directory; default OTEL_SERVICE_NAME, then `service.name` in OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
}

export interface SpoolSettings {
  spool: boolean;
  directory: string;
  maxBytes: number;
}

/** OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED when set, else the option, else true. */
function resolveEnabled(option: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const raw = env[SPOOL_ENABLED_ENV]?.trim().toLowerCase();
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw) warnOnce('setting-enabled', `${SPOOL_ENABLED_ENV}=${JSON.stringify(env[SPOOL_ENABLED_ENV])} is not true or false; the spool stays on`);
  return raw ? true : option !== false;
}

export function resolveSpoolSettings(options: SpoolOptions = {}, env: NodeJS.ProcessEnv = process.env): SpoolSettings {
  return {
    spool: resolveEnabled(options.spool, env),
    directory: env[SPOOL_DIR_ENV]?.trim() || options.directory || defaultDirectory(options.serviceName ?? serviceNameFromEnv(env)),
    maxBytes: resolveMaxBytes(options.maxBytes, env[SPOOL_MAX_BYTES_ENV]),
  };
}

function resolveMaxBytes(option: number | undefined, raw: string | undefined): number {
  const text = raw?.trim();
  if (text) {
    if (/^\d+$/.test(text) && Number(text) > 0 && Number.isSafeInteger(Number(text))) return Number(text);
    warnOnce('setting-max-bytes', `${SPOOL_MAX_BYTES_ENV}=${JSON.stringify(raw)} is not a positive number of bytes; using ${DEFAULT_SPOOL_MAX_BYTES}`);
    return DEFAULT_SPOOL_MAX_BYTES;
  }
  if (option === undefined) return DEFAULT_SPOOL_MAX_BYTES;
  if (Number.isSafeInteger(option) && option > 0) return option;
  warnOnce('setting-max-bytes', `maxBytes=${JSON.stringify(option)} is not a positive number of bytes; using ${DEFAULT_SPOOL_MAX_BYTES}`);
  return DEFAULT_SPOOL_MAX_BYTES;
}

function serviceNameFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const own = env.OTEL_SERVICE_NAME?.trim();
  if (own) return own;
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const [key, value] = pair.split('=');
    if (key?.trim() === ATTR_SERVICE_NAME && value?.trim()) return decodeURIComponentSafe(value.trim());
  }
  return undefined;
}

/** Per user (the spool holds content: never share it with another user) and per service. */
function defaultDirectory(serviceName: string | undefined): string {
  const service = (serviceName ?? 'unknown_service').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'unknown_service';
  return join(tmpdir(), `otel-genai-spool-${userName()}`, service);
}

function userName(): string {
  if (typeof process.getuid === 'function') return String(process.getuid());
  try {
    return userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
  } catch {
    return 'user';
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
