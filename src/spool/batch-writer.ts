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
import { HEADER_BYTES, encodeHeader } from './batch-file';
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
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.writeWhenResourcesSettle();
      }, this.limits.writeDelayMs);
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
    const header = { signal: this.target.signal, encoding: this.target.encoding, items: items.length };
    let payload: Uint8Array;
    let head: Buffer;
    try {
      payload = this.target.serialize(items);
      head = encodeHeader(header, payload);
    } catch (error) {
      diag.error(`opentelemetry-instrumentation-genai spool: could not serialize ${items.length} ${this.target.signal} items; they are dropped`, error);
      return;
    }
    const batch = { header, payload };
    if (this.dir) {
      try {
        this.sender.addWritten(this.dir.writeBatch(this.target.signal, [head, payload]), batch);
        return;
      } catch (error) {
        this.counters.unwrittenBatches++;
        warnOnce('unwritten', `could not write to ${this.dir.root} (${(error as Error).message}); telemetry is kept in memory only until it is sent`);
      }
    }
    const name = `${Date.now().toString(36).padStart(9, '0')}-memory-${this.memorySequence++}`;
    this.sender.addWritten({ name, signal: this.target.signal, bytes: HEADER_BYTES + payload.byteLength }, batch);
  }

  /**
   * Writes what is waiting once the resource's attributes are known: a resource detector may still be
   * resolving some (e.g. the host id), and the SDK's batch processors wait for them before exporting.
   * Waits no longer than `deadlineMs` (epoch ms); a process end does not wait at all (writeNow).
   */
  async writeWhenResourcesSettle(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    const pending = new Set<WithResource['resource']>();
    for (const item of this.items) if (item.resource?.asyncAttributesPending) pending.add(item.resource);
    if (pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const settled = Promise.all([...pending].map((r) => r?.waitForAsyncAttributes?.())).catch(() => undefined);
      const deadline = new Promise<void>((resolve) => {
        if (Number.isFinite(deadlineMs)) timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
      });
      await Promise.race([settled, deadline]);
      clearTimeout(timer);
    }
    this.writeNow();
  }
}
