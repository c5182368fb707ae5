/*
 * Collects ended spans (or emitted log records) and writes them to the spool as one batch file: at most
 * `writeDelayMs` after the first one arrived, at once when `maxBatchItems` are waiting, and synchronously
 * whenever the process ends (writeNow). Only what arrived within the last `writeDelayMs` can be lost to a
 * crash that runs no JavaScript (SIGKILL, OOM kill).
 *
 * The items are serialized by the app's OpenTelemetry line (./otlp-line.ts) into exactly the request that
 * will be sent; the file is handed to the sender (./spool-sender.ts).
 */
import { diag } from '@opentelemetry/api';
import { encodeBatch } from './batch-file';
import type { SignalTarget } from './otlp-line';
import type { SpoolDirectory } from './spool-directory';
import { type SpoolCounters, warnOnce } from './spool-report';
import type { SpoolSender } from './spool-sender';

export interface BatchLimits {
  /** Most items in one batch file (the SDK's batch processors default to 512). */
  maxBatchItems: number;
  /** Longest an item waits in memory before it is written (ms). */
  writeDelayMs: number;
}

/** What a batch item may carry: its resource, whose detectors may still be resolving attributes. */
interface WithResource {
  resource?: { asyncAttributesPending?: boolean; waitForAsyncAttributes?: () => Promise<void> };
}

export class BatchWriter {
  private items: WithResource[] = [];
  private timer: NodeJS.Timeout | undefined;
  private memorySequence = 0;

  constructor(
    private readonly target: SignalTarget,
    private readonly dir: SpoolDirectory | undefined,
    private readonly sender: SpoolSender,
    private readonly counters: SpoolCounters,
    private readonly limits: BatchLimits,
  ) {}

  add(item: unknown): void {
    this.items.push(item as WithResource);
    if (this.items.length >= this.limits.maxBatchItems) {
      this.writeNow();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.writeWhenResourcesSettle(), this.limits.writeDelayMs);
      this.timer.unref();
    }
  }

  /** Writes what is waiting, synchronously (a process 'exit' handler may call it). */
  writeNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    let data: Buffer;
    try {
      data = encodeBatch({ signal: this.target.signal, encoding: this.target.encoding, items: items.length }, this.target.serialize(items));
    } catch (error) {
      diag.error(`opentelemetry-instrumentation-genai spool: could not serialize ${items.length} ${this.target.signal} items; they are dropped`, error);
      return;
    }
    if (this.dir) {
      try {
        this.sender.addWritten(this.dir.writeBatch(this.target.signal, data), data);
        return;
      } catch (error) {
        this.counters.unwrittenBatches++;
        warnOnce('unwritten', `could not write to ${this.dir.root} (${(error as Error).message}); telemetry is kept in memory only until it is sent`);
      }
    }
    const name = `${Date.now().toString(36).padStart(9, '0')}-memory-${this.memorySequence++}`;
    this.sender.addWritten({ name, signal: this.target.signal, bytes: data.byteLength }, data);
  }

  /**
   * The timed write. A resource detector may still be resolving attributes (e.g. the host id): the SDK's
   * batch processors wait for them before exporting, and so does this. A process end does not wait.
   */
  private writeWhenResourcesSettle(): void {
    this.timer = undefined;
    const pending = new Set<WithResource['resource']>();
    for (const item of this.items) if (item.resource?.asyncAttributesPending) pending.add(item.resource);
    if (pending.size === 0) {
      this.writeNow();
      return;
    }
    void Promise.all([...pending].map((r) => r?.waitForAsyncAttributes?.()))
      .catch(() => undefined)
      .then(() => this.writeNow());
  }
}
