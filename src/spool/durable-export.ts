/*
 * Durable OTLP export of traces and logs (the GenAI details events carry content in EVENT_ONLY mode):
 * a span processor and a log record processor that spool every batch to local disk before it is sent
 * and delete it only once the receiver accepted it (./spool-sender.ts). What a previous run of the same
 * service left in the spool is sent on start; what is still in memory when the process ends is written
 * synchronously in its 'exit' handler (process.exit, an uncaught exception and the normal end included),
 * after ending the calls the app never finished (see ../core/open-invocations.ts).
 *
 * Delivery is at least once: a batch whose acceptance was not seen before the process ended is sent
 * again by the next start. Duplicates carry the same trace and span ids.
 *
 * The register hook uses it by default; an app that builds its own NodeSDK passes its processors:
 *   const durable = createDurableExport();
 *   new NodeSDK({ spanProcessors: [durable.spanProcessor], logRecordProcessors: [durable.logRecordProcessor], ... })
 */
import type { Context, SpanContext } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import { endOpenInvocations } from '../core';
import { type Signal, checksumAvailable } from './batch-file';
import { BatchWriter } from './batch-writer';
import { OtlpHttpPoster } from './otlp-http-post';
import { type OtlpHttpOptions, type SignalTarget, type SpoolProtocol, configuredProtocol, loadSignalTarget } from './otlp-line';
import { HEARTBEAT_MS, SpoolDirectory } from './spool-directory';
import { type SpoolCounters, newCounters, warnOnce } from './spool-report';
import { SpoolSender } from './spool-sender';
import { type SpoolOptions, resolveSpoolSettings } from './spool-settings';

export interface DurableExportOptions extends SpoolOptions {
  /** OTLP/HTTP options for traces set in code (OTEL_EXPORTER_OTLP_* fill in the rest), or false: no span processor. */
  traces?: OtlpHttpOptions | false;
  /** The same for logs. */
  logs?: OtlpHttpOptions | false;
  /** Longest wait (ms) for sending at shutdown() and forceFlush(); what is not sent stays spooled. Default 5000. */
  flushTimeoutMillis?: number;
  /** Longest an ended span or emitted record waits in memory before it is written to disk (ms). Default 1000. */
  writeDelayMillis?: number;
}

export interface SpoolStats extends SpoolCounters {
  /** Batches waiting to be sent. */
  pendingBatches: number;
}

interface SpanLike {
  spanContext(): SpanContext;
}

/** Assignable to the OpenTelemetry SDK's SpanProcessor (2.x and 3.x). */
export interface SpoolSpanProcessor {
  onStart(span: unknown, parentContext: Context): void;
  onEnd(span: SpanLike): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Assignable to the OpenTelemetry SDK's LogRecordProcessor (2.x and 3.x). */
export interface SpoolLogRecordProcessor {
  onEmit(logRecord: unknown, context?: Context): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const MAX_BATCH_ITEMS = 512;
const DEFAULT_WRITE_DELAY_MS = 1_000;

export class DurableExport {
  /** Undefined when traces are not spooled (`traces: false`, or an OTLP protocol the spool does not send). */
  readonly spanProcessor: SpoolSpanProcessor | undefined;
  readonly logRecordProcessor: SpoolLogRecordProcessor | undefined;
  /** The spool directory of this process; undefined when the spool is off or its directory could not be used (batches are then kept in memory only). */
  readonly directory: string | undefined;

  private readonly dir: SpoolDirectory | undefined;
  private readonly sender: SpoolSender;
  private readonly writers: BatchWriter[] = [];
  private readonly counters = newCounters();
  private readonly flushTimeoutMs: number;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private stopped = false;

  constructor(options: DurableExportOptions = {}) {
    if (!checksumAvailable()) throw new Error('the durable export needs Node.js >= 20.15 or >= 22.2 (zlib.crc32)');
    const settings = resolveSpoolSettings(options);
    this.flushTimeoutMs = options.flushTimeoutMillis ?? DEFAULT_FLUSH_TIMEOUT_MS;
    const targets = (['traces', 'logs'] as const)
      .map((signal) => targetFor(signal, options[signal]))
      .filter((t): t is SignalTarget => t !== undefined);

    if (settings.spool) {
      try {
        this.dir = SpoolDirectory.open(settings.directory);
      } catch (error) {
        warnOnce('directory', `cannot use ${settings.directory} (${(error as Error).message}); telemetry is kept in memory only until it is sent, and lost if the process ends first`);
      }
    }
    this.directory = this.dir?.directory;
    this.sender = new SpoolSender(this.dir, new Map(targets.map((t) => [t.signal, new OtlpHttpPoster(t.settings)])), settings.maxBytes, this.counters);
    const limits = { maxBatchItems: MAX_BATCH_ITEMS, writeDelayMs: options.writeDelayMillis ?? DEFAULT_WRITE_DELAY_MS };
    const writerFor = (signal: Signal) => {
      const target = targets.find((t) => t.signal === signal);
      if (!target) return undefined;
      const writer = new BatchWriter(target, this.dir, this.sender, this.counters, limits);
      this.writers.push(writer);
      return writer;
    };
    this.spanProcessor = spanProcessor(this, writerFor('traces'));
    this.logRecordProcessor = logRecordProcessor(this, writerFor('logs'));

    if (this.dir) {
      this.adoptLeftovers();
      this.heartbeat = setInterval(() => {
        this.dir?.heartbeat();
        this.adoptLeftovers();
      }, HEARTBEAT_MS);
      this.heartbeat.unref();
    }
    writeAtProcessExit(this);
  }

  /** Counters since start, and what waits to be sent. */
  stats(): SpoolStats {
    return { ...this.counters, pendingBatches: this.sender.pendingBatches };
  }

  /** Writes everything waiting in memory to the spool, synchronously. */
  writeNow(): void {
    for (const writer of this.writers) writer.writeNow();
  }

  /**
   * Writes what waits in memory (once the resource's attributes are known, as the SDK's batch processors
   * wait for them), then sends until nothing is left or `timeoutMillis` passes. Resolves true when
   * everything was sent; what was not stays spooled.
   */
  async flush(timeoutMillis = this.flushTimeoutMs): Promise<boolean> {
    const deadline = Date.now() + timeoutMillis;
    await Promise.all(this.writers.map((w) => w.writeWhenResourcesSettle(deadline)));
    return this.sender.drain(deadline);
  }

  /**
   * flush(), then stops: later spans and records are ignored, and what could not be sent is left in the
   * spool for the next process of the service to send. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.flush().then(() => {
      this.stopped = true;
      this.sender.stop();
      clearInterval(this.heartbeat);
      noLongerAtProcessExit(this);
      this.dir?.release();
    });
    return this.shutdownPromise;
  }

  /** @internal for the processors */
  get accepting(): boolean {
    return !this.stopped;
  }

  private adoptLeftovers(): void {
    if (!this.dir) return;
    const { files, tornWrites } = this.dir.adoptOrphans();
    if (tornWrites > 0) {
      this.counters.tornWrites += tornWrites;
      warnOnce('torn', `skipped ${tornWrites} batch write(s) cut short by a crash of an earlier process in ${this.dir.root}`);
    }
    this.sender.addFound(files);
  }

  /** @internal The process is ending: nothing asynchronous runs any more (see atProcessExit). */
  writeAtExit(): void {
    this.writeNow();
    this.dir?.release();
  }
}

/**
 * The durable exports of this process, written by one 'exit' listener (not one per export: Node warns past
 * ten listeners). It first ends the calls still open, so that their spans are written too.
 */
const atProcessExit = new Set<DurableExport>();
let exitListener: (() => void) | undefined;

function writeAtProcessExit(durable: DurableExport): void {
  atProcessExit.add(durable);
  exitListener ??= () => {
    endOpenInvocations('shutdown');
    for (const each of atProcessExit) each.writeAtExit();
    atProcessExit.clear();
  };
  if (!process.listeners('exit').includes(exitListener)) process.on('exit', exitListener);
}

function noLongerAtProcessExit(durable: DurableExport): void {
  atProcessExit.delete(durable);
  if (atProcessExit.size === 0 && exitListener) process.removeListener('exit', exitListener);
}

/** A durable OTLP export of traces and logs; see DurableExport. */
export function createDurableExport(options: DurableExportOptions = {}): DurableExport {
  return new DurableExport(options);
}

/** The signal's serializer and HTTP settings, or undefined (with a warning) when the spool cannot send it. */
function targetFor(signal: Signal, options: OtlpHttpOptions | false | undefined): SignalTarget | undefined {
  if (options === false) return undefined;
  const protocol = configuredProtocol(signal);
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    warnOnce(
      `protocol-${signal}`,
      `${signal} are not spooled with OTLP protocol ${JSON.stringify(protocol)} (only http/protobuf and http/json are); they are exported from memory and can be lost when the collector is unreachable`,
    );
    return undefined;
  }
  return loadSignalTarget(signal, protocol as SpoolProtocol, options);
}

function spanProcessor(owner: DurableExport, writer: BatchWriter | undefined): SpoolSpanProcessor | undefined {
  if (!writer) return undefined;
  return {
    onStart() {},
    onEnd(span) {
      // As the SDK's batch processor: a span that is not sampled is not exported.
      if (owner.accepting && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) writer.add(span);
    },
    forceFlush: () => owner.flush().then(() => undefined),
    shutdown: () => owner.shutdown(),
  };
}

function logRecordProcessor(owner: DurableExport, writer: BatchWriter | undefined): SpoolLogRecordProcessor | undefined {
  if (!writer) return undefined;
  return {
    onEmit(logRecord) {
      if (owner.accepting) writer.add(logRecord);
    },
    forceFlush: () => owner.flush().then(() => undefined),
    shutdown: () => owner.shutdown(),
  };
}
