/*
 * What the spool takes from the app's own OpenTelemetry JS line (2.x or 3.x): the OTLP serializers that
 * turn spans and log records into export requests, and the OTLP/HTTP exporter configuration the SDK
 * derives from OTEL_EXPORTER_OTLP_* (endpoint per signal, headers, compression, timeout, TLS agent).
 * They are loaded through the app's @opentelemetry/sdk-node (and its OTLP exporters) so that they match
 * the span and log record classes of that line; this package cannot pin one line for all apps.
 */
import { createRequire } from 'node:module';
import type { Encoding, Signal } from './batch-file';

/** The OTLP/HTTP settings of one signal, as @opentelemetry/otlp-exporter-base resolves them. */
export interface OtlpHttpSettings {
  url: string;
  /** Static headers (older lines) or a factory (current lines). */
  headers: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  agentFactory?: (protocol: string) => unknown;
  userAgent?: string;
}

/** Exporter options set in code (the programmatic path); environment variables fill in the rest. */
export interface OtlpHttpOptions {
  url?: string;
  headers?: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMillis?: number;
}

export interface SignalTarget {
  signal: Signal;
  encoding: Encoding;
  /** Serializes a batch (the SDK's spans or log records) into the bytes of one export request. */
  serialize(items: unknown[]): Uint8Array;
  settings: OtlpHttpSettings;
}

interface Serializer {
  serializeRequest(items: unknown[]): Uint8Array | undefined;
}

interface TransformerModule {
  ProtobufTraceSerializer: Serializer;
  JsonTraceSerializer: Serializer;
  ProtobufLogsSerializer: Serializer;
  JsonLogsSerializer: Serializer;
}

interface NodeHttpModule {
  convertLegacyHttpOptions(
    config: OtlpHttpOptions,
    signalIdentifier: string,
    signalResourcePath: string,
    requiredHeaders: Record<string, string>,
  ): OtlpHttpSettings;
}

/** The OTLP protocols the spool sends itself; grpc stays with the SDK's own exporter. */
export type SpoolProtocol = 'http/protobuf' | 'http/json';

const SIGNAL_NAMES: Record<Signal, { env: string; path: string; exporterPackage: string }> = {
  traces: { env: 'TRACES', path: 'v1/traces', exporterPackage: '@opentelemetry/exporter-trace-otlp-proto' },
  logs: { env: 'LOGS', path: 'v1/logs', exporterPackage: '@opentelemetry/exporter-logs-otlp-proto' },
};

/** The protocol configured for a signal (OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL). */
export function configuredProtocol(signal: Signal, env: NodeJS.ProcessEnv = process.env): string {
  const own = env[`OTEL_EXPORTER_OTLP_${SIGNAL_NAMES[signal].env}_PROTOCOL`]?.trim();
  return own || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf';
}

/**
 * The serializer and HTTP settings for `signal`, from the app's OpenTelemetry line. Throws an Error that
 * says what is missing when the line's OTLP packages cannot be found.
 */
export function loadSignalTarget(signal: Signal, protocol: SpoolProtocol, options: OtlpHttpOptions = {}): SignalTarget {
  const { transformer, nodeHttp } = loadOtlpModules(signal);
  const names = SIGNAL_NAMES[signal];
  const encoding: Encoding = protocol === 'http/json' ? 'json' : 'protobuf';
  const serializer =
    signal === 'traces'
      ? encoding === 'json' ? transformer.JsonTraceSerializer : transformer.ProtobufTraceSerializer
      : encoding === 'json' ? transformer.JsonLogsSerializer : transformer.ProtobufLogsSerializer;
  const settings = nodeHttp.convertLegacyHttpOptions(options, names.env, names.path, { 'Content-Type': contentType(encoding) });
  return {
    signal,
    encoding,
    settings,
    serialize(items) {
      return serializer.serializeRequest(items) ?? new Uint8Array(0);
    },
  };
}

export function contentType(encoding: Encoding): string {
  return encoding === 'json' ? 'application/json' : 'application/x-protobuf';
}

/**
 * Looks for the OTLP packages next to the app's @opentelemetry/sdk-node (through its exporter for this
 * signal, whose dependencies they are), then next to this package.
 */
function loadOtlpModules(signal: Signal): { transformer: TransformerModule; nodeHttp: NodeHttpModule } {
  const origins: string[] = [];
  try {
    origins.push(require.resolve('@opentelemetry/sdk-node'));
  } catch {
    // no sdk-node: the app wires its own SDK
  }
  origins.push(__filename);
  const tried: string[] = [];
  for (const origin of origins) {
    const fromOrigin = createRequire(origin);
    const bases: NodeJS.Require[] = [];
    try {
      bases.push(createRequire(fromOrigin.resolve(SIGNAL_NAMES[signal].exporterPackage)));
    } catch {
      // the exporter is not installed there
    }
    bases.push(fromOrigin);
    for (const base of bases) {
      try {
        return {
          transformer: base('@opentelemetry/otlp-transformer') as TransformerModule,
          nodeHttp: base('@opentelemetry/otlp-exporter-base/node-http') as NodeHttpModule,
        };
      } catch (error) {
        tried.push((error as Error).message.split('\n')[0] ?? String(error));
      }
    }
  }
  throw new Error(
    `@opentelemetry/otlp-transformer and @opentelemetry/otlp-exporter-base were not found (install @opentelemetry/sdk-node or ${SIGNAL_NAMES[signal].exporterPackage}): ${tried[0] ?? ''}`,
  );
}
