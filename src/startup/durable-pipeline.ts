/*
 * The register hook's export of traces and logs, decided from the same OTEL_* variables NodeSDK reads. A
 * signal whose exporter list is the default (`otlp`) over OTLP/HTTP goes through the durable export (to
 * disk first, unless OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED=false: then from memory, still without
 * holding the process at exit); any other exporter list (`none`, `console`, `zipkin`, several) is left
 * to NodeSDK as is.
 */
import { diag } from '@opentelemetry/api';
import { DurableExport } from '../spool/durable-export';
import { warnOnce } from '../spool/spool-report';

export interface SpoolingPipeline {
  export: DurableExport;
  /** NodeSDK options that replace its env-built exporters for the spooled signals. */
  processors: { spanProcessors?: unknown[]; logRecordProcessors?: unknown[] };
}

export function spoolingExport(env: NodeJS.ProcessEnv, flushTimeoutMillis: number): SpoolingPipeline | undefined {
  const traces = exportsOtlp(env.OTEL_TRACES_EXPORTER);
  const logs = exportsOtlp(env.OTEL_LOGS_EXPORTER);
  if (!traces && !logs) {
    diag.info('opentelemetry-instrumentation-genai/register: OTEL_TRACES_EXPORTER and OTEL_LOGS_EXPORTER are not otlp; nothing is spooled.');
    return undefined;
  }
  let durable: DurableExport;
  try {
    durable = new DurableExport({ traces: traces ? {} : false, logs: logs ? {} : false, flushTimeoutMillis });
  } catch (error) {
    warnOnce('unavailable', `the durable spool cannot start (${(error as Error).message}); telemetry is exported from memory only`);
    return undefined;
  }
  const processors: SpoolingPipeline['processors'] = {};
  if (durable.spanProcessor) processors.spanProcessors = [durable.spanProcessor];
  if (durable.logRecordProcessor) processors.logRecordProcessors = [durable.logRecordProcessor];
  return { export: durable, processors };
}

/** Whether an OTEL_*_EXPORTER value means exactly the default OTLP exporter. */
function exportsOtlp(value: string | undefined): boolean {
  const names = [...new Set((value ?? '').split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '' && n !== 'null'))];
  return names.length === 0 || (names.length === 1 && names[0] === 'otlp');
}
