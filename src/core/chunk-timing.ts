/*
 * Whether streamed calls record `gen_ai.client.operation.time_per_output_chunk`, one histogram point per
 * chunk after the first: `OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK` (`true` / `false`), or the
 * `timePerOutputChunk` option; the variable wins when set. Default true (recorded). Turning it off is for
 * apps that do not use that metric: its points are most of a stream's metric work (10 of the 14 records of
 * a 10-chunk stream). An unreadable value gets one diag warning and means the default.
 */
import { resolveBooleanSetting } from './boolean-setting';

export const TIME_PER_OUTPUT_CHUNK_ENV = 'OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK';

const TIME_PER_OUTPUT_CHUNK = {
  envName: TIME_PER_OUTPUT_CHUNK_ENV,
  optionName: 'timePerOutputChunk',
  defaultValue: true,
  defaultMeans: 'time per output chunk is recorded',
};

export function resolveTimePerOutputChunk(configValue: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  return resolveBooleanSetting(TIME_PER_OUTPUT_CHUNK, configValue, env[TIME_PER_OUTPUT_CHUNK_ENV]);
}
