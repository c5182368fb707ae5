/*
 * What the spool tells its user. Losing or holding back telemetry must be visible without OTEL_LOG_LEVEL,
 * so each kind of such event prints one Node warning (once per process; `--no-warnings` silences it)
 * and a diag warning; the counters say how much.
 */
import { diag } from '@opentelemetry/api';

export interface SpoolCounters {
  /** Batches and items (spans or log records) the receiver accepted. */
  sentBatches: number;
  sentItems: number;
  /** Dropped, oldest first, because the spool was over its disk budget. */
  evictedBatches: number;
  evictedItems: number;
  /** Dropped because the receiver refused them for good (HTTP 400, 413, 422). */
  rejectedBatches: number;
  rejectedItems: number;
  /** Batch files that could not be read (corrupted, or not a batch) and were removed. */
  unreadableBatches: number;
  /** Writes cut short by a crash (temp files found in a directory left by a process that was killed). */
  tornWrites: number;
  /** Batches that could not be written to disk and were kept in memory only. */
  unwrittenBatches: number;
}

export function newCounters(): SpoolCounters {
  return {
    sentBatches: 0,
    sentItems: 0,
    evictedBatches: 0,
    evictedItems: 0,
    rejectedBatches: 0,
    rejectedItems: 0,
    unreadableBatches: 0,
    tornWrites: 0,
    unwrittenBatches: 0,
  };
}

export const WARNING_CODE = 'OTEL_GENAI_SPOOL';
const PREFIX = 'opentelemetry-instrumentation-genai spool';
const warned = new Set<string>();

/** One Node warning per `key` per process (and a diag warning each time). */
export function warnOnce(key: string, message: string): void {
  diag.warn(`${PREFIX}: ${message}`);
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(`${PREFIX}: ${message}`, { code: WARNING_CODE });
}
