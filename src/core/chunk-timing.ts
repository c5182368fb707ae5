/*
 * Whether streamed calls record `gen_ai.client.operation.time_per_output_chunk`, one histogram point per
 * chunk after the first: `OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK` (`true` / `false`), or the
 * `timePerOutputChunk` option; the variable wins when set. Default true (recorded). Turning it off is for
 * apps that do not use that metric: its points are most of a stream's metric work (10 of the 14 records of
 * a 10-chunk stream). An unreadable value gets one diag warning and means the default.
 */
import { diag } from '@opentelemetry/api';

export const TIME_PER_OUTPUT_CHUNK_ENV = 'OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK';

export function resolveTimePerOutputChunk(configValue: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[TIME_PER_OUTPUT_CHUNK_ENV]?.trim();
  if (raw) {
    const text = raw.toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    diag.warn(`${TIME_PER_OUTPUT_CHUNK_ENV}=${JSON.stringify(raw)} is not true or false; time per output chunk is recorded.`);
    return true;
  }
  if (configValue === undefined) return true;
  if (typeof configValue === 'boolean') return configValue;
  diag.warn(`timePerOutputChunk=${JSON.stringify(configValue)} is not a boolean; time per output chunk is recorded.`);
  return true;
}
