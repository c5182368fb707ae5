/*
 * Sends the spooled batches, oldest first, one request at a time, and deletes a batch file only once the
 * receiver has accepted it. While the receiver is down or refuses for now, it waits with exponential
 * backoff (or the receiver's Retry-After) and tries again, for as long as the disk budget lasts: past
 * `maxBytes` the oldest batches are evicted. Consecutive protobuf batches of one signal go out as one
 * request (concatenated protobuf messages of the same type are their merge), so a backlog drains fast.
 *
 * Never keeps the process alive: its timers are unref'd and so are its sockets (./otlp-http-post.ts).
 */
import { diag } from '@opentelemetry/api';
import * as fs from 'node:fs';
import { type BatchHeader, type Signal, HEADER_BYTES, decodeBatch, decodeHeader } from './batch-file';
import { contentType } from './otlp-line';
import type { OtlpHttpPoster, PostOutcome } from './otlp-http-post';
import type { SpoolDirectory, SpooledFile } from './spool-directory';
import { type SpoolCounters, warnOnce } from './spool-report';

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const MAX_MERGED_BYTES = 4 * 1024 * 1024;
const MAX_MERGED_BATCHES = 64;
/** Batches written by this process keep their bytes in memory up to this much, to send without a read. */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;

interface QueuedBatch {
  name: string;
  signal: Signal;
  bytes: number;
  /** The file on disk; undefined when writing it failed and the batch lives in memory only. */
  path?: string;
  /** Header and request of a batch this process wrote, while cached (sent without reading the file back). */
  cached?: { header: BatchHeader; payload: Uint8Array };
  inFlight?: boolean;
  /** The receiver refused it as part of a merged request: send it alone. */
  alone?: boolean;
}

interface ReadBatch {
  batch: QueuedBatch;
  header: BatchHeader;
  payload: Uint8Array;
}

export class SpoolSender {
  private readonly queue: QueuedBatch[] = [];
  private queuedBytes = 0;
  private cachedBytes = 0;
  private running = false;
  private backoffMs = 0;
  private retryAt = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    /** Undefined when the spool directory cannot be used: batches then live in memory only. */
    private readonly dir: SpoolDirectory | undefined,
    private readonly posters: ReadonlyMap<Signal, OtlpHttpPoster>,
    private readonly maxBytes: number,
    readonly counters: SpoolCounters,
  ) {}

  /** A batch this process just wrote (or, with no `path`, could only keep in memory). */
  addWritten(file: { name: string; signal: Signal; bytes: number; path?: string }, written: { header: BatchHeader; payload: Uint8Array }): void {
    const batch: QueuedBatch = { ...file };
    if (this.cachedBytes + written.payload.byteLength <= MAX_CACHED_BYTES || !file.path) {
      batch.cached = written;
      this.cachedBytes += written.payload.byteLength;
    }
    this.queue.push(batch);
    this.queuedBytes += file.bytes;
    this.evictOverBudget();
    this.kick();
  }

  /** Batches found on disk (a previous run's, or another process's that is gone), merged in by age. */
  addFound(files: readonly SpooledFile[]): void {
    if (files.length === 0) return;
    const known = new Set(this.queue.map((b) => b.path));
    for (const file of files) {
      if (known.has(file.path)) continue;
      this.queue.push({ name: file.name, signal: file.signal, bytes: file.bytes, path: file.path });
      this.queuedBytes += file.bytes;
    }
    this.queue.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.evictOverBudget();
    this.kick();
  }

  /** Batches waiting to be sent (for stats and tests). */
  get pendingBatches(): number {
    return this.queue.length;
  }

  /** Starts sending unless it is running or waiting out a backoff. */
  kick(): void {
    if (this.running || Date.now() < this.retryAt) return;
    this.running = true;
    this.run()
      .catch((error: unknown) => {
        // A fault of ours (a file that cannot be removed, ...): the batches stay queued for the next try.
        diag.error('opentelemetry-instrumentation-genai spool: sending failed', error);
        this.retryAt = Date.now() + jitter(MAX_BACKOFF_MS);
        this.wakeAfter(this.retryAt - Date.now());
      })
      .finally(() => {
        this.running = false;
        if (!this.hasSendable()) this.notifyIdle();
      });
  }

  /**
   * Sends until nothing sendable is left or `deadlineMs` (epoch ms) passes, trying at once even during a
   * backoff. Resolves true when everything was sent. Unlike the sender's own timers and sockets, the
   * deadline keeps the process alive: whoever awaits a drain (flush, shutdown) must see it settle, and
   * no later than the deadline.
   */
  async drain(deadlineMs: number): Promise<boolean> {
    if (!this.hasSendable()) return true;
    this.retryAt = 0;
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
    });
    await Promise.race([idle, deadline]);
    clearTimeout(timer);
    return !this.hasSendable();
  }

  /** Stops the backoff timer (the batches stay on disk for the next start). */
  stop(): void {
    clearTimeout(this.wakeTimer);
    this.retryAt = Number.MAX_SAFE_INTEGER;
    this.notifyIdle();
  }

  private async run(): Promise<void> {
    while (this.hasSendable()) {
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        this.wakeAfter(wait);
        return;
      }
      const group = await this.nextGroup();
      if (group.length === 0) continue;
      const poster = this.posters.get(group[0]!.header.signal)!;
      const body = group.length === 1 ? group[0]!.payload : Buffer.concat(group.map((g) => g.payload));
      let outcome: PostOutcome;
      try {
        outcome = await poster.post(body, contentType(group[0]!.header.encoding));
      } catch (error) {
        // Not an answer of the receiver (those are outcomes): the request could not even be made.
        warnOnce('post-failed', `cannot send to ${poster.url} (${(error as Error).message}); telemetry is kept and sent again later`);
        outcome = { kind: 'retry', reason: (error as Error).message };
      }
      this.settle(group, outcome, poster.url);
    }
  }

  /** The oldest sendable batch, and the protobuf batches of the same signal right after it that fit one request. */
  private async nextGroup(): Promise<ReadBatch[]> {
    const group: ReadBatch[] = [];
    let bytes = 0;
    // A snapshot: the queue changes while files are read (new batches, evictions).
    const candidates = this.queue.filter((b) => !b.inFlight && this.posters.has(b.signal)).slice(0, MAX_MERGED_BATCHES);
    for (const batch of candidates) {
      if (!this.queue.includes(batch)) continue;
      if (group.length > 0) {
        const first = group[0]!;
        const mergeable =
          batch.signal === first.header.signal && first.header.encoding === 'protobuf' && !first.batch.alone && !batch.alone;
        if (!mergeable || bytes + batch.bytes > MAX_MERGED_BYTES) break;
      }
      batch.inFlight = true;
      const read = await this.read(batch);
      if (!read) continue;
      if (group.length > 0 && read.header.encoding !== 'protobuf') {
        batch.inFlight = false;
        break;
      }
      group.push(read);
      bytes += read.payload.byteLength;
    }
    return group;
  }

  private async read(batch: QueuedBatch): Promise<ReadBatch | undefined> {
    // Written by this process a moment ago: nothing to check.
    if (batch.cached) return { batch, ...batch.cached };
    let data: Buffer;
    try {
      data = await fs.promises.readFile(batch.path!);
    } catch (error) {
      // Gone: evicted meanwhile, or its directory was adopted by another process after a long stop.
      diag.debug(`opentelemetry-instrumentation-genai spool: batch ${batch.path} is gone`, error);
      this.remove(batch);
      return undefined;
    }
    let decoded = decodeBatch(data);
    // A file whose name and header disagree on the signal (renamed, or damaged where the checksum
    // does not look) would go to the wrong endpoint, or to none (no poster for it).
    if (decoded.ok && decoded.header.signal !== batch.signal) {
      decoded = { ok: false, reason: `a ${decoded.header.signal} header in a ${batch.signal} batch` };
    }
    if (!decoded.ok) {
      this.counters.unreadableBatches++;
      warnOnce('unreadable', `skipped a spooled batch that cannot be read (${decoded.reason}): ${batch.path ?? batch.name}`);
      this.remove(batch);
      return undefined;
    }
    return { batch, header: decoded.header, payload: decoded.payload };
  }

  private settle(group: ReadBatch[], outcome: PostOutcome, url: string): void {
    if (outcome.kind === 'accepted') {
      for (const { batch, header } of group) {
        this.counters.sentBatches++;
        this.counters.sentItems += header.items;
        this.remove(batch);
      }
      this.backoffMs = 0;
      this.retryAt = 0;
      this.dir?.tidy();
      return;
    }
    for (const { batch } of group) batch.inFlight = false;
    if (outcome.kind === 'rejected') {
      if (group.length > 1) {
        for (const { batch } of group) batch.alone = true; // one of them may be the cause: try each alone
        return;
      }
      const { batch, header } = group[0]!;
      this.counters.rejectedBatches++;
      this.counters.rejectedItems += header.items;
      warnOnce(`rejected-${outcome.status}`, `${url} rejected a batch (${outcome.reason}); its ${header.items} ${itemWord(header)} are dropped`);
      this.remove(batch);
      return;
    }
    if (outcome.status !== undefined && ![429, 502, 503, 504].includes(outcome.status)) {
      warnOnce(`status-${outcome.status}`, `${url} answered ${outcome.reason}; telemetry is kept in the spool (${this.where}) and sent again until it is accepted`);
    }
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs === 0 ? FIRST_BACKOFF_MS : this.backoffMs * 2);
    // Retry-After is the least the receiver asks for; our own backoff still grows (no hot loop on `Retry-After: 0`).
    const wait = Math.max(jitter(this.backoffMs), Math.min(outcome.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
    this.retryAt = Date.now() + wait;
    diag.debug(`opentelemetry-instrumentation-genai spool: ${url}: ${outcome.reason}; ${this.queue.length} batches wait, next try in ${wait} ms`);
  }

  private evictOverBudget(): void {
    while (this.queuedBytes > this.maxBytes) {
      const oldest = this.queue.find((b) => !b.inFlight);
      if (!oldest) return;
      const header = this.peekHeader(oldest);
      this.counters.evictedBatches++;
      this.counters.evictedItems += header?.items ?? 0;
      warnOnce(
        'evicted',
        `the spool (${this.where}) is over its budget of ${this.maxBytes} bytes (OTEL_INSTRUMENTATION_GENAI_SPOOL_MAX_BYTES): the oldest batches are being dropped`,
      );
      this.remove(oldest);
    }
  }

  private peekHeader(batch: QueuedBatch): BatchHeader | undefined {
    if (batch.cached) return batch.cached.header;
    try {
      const fd = fs.openSync(batch.path!, 'r');
      try {
        const head = Buffer.alloc(HEADER_BYTES);
        fs.readSync(fd, head, 0, HEADER_BYTES, 0);
        return decodeHeader(head);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  private remove(batch: QueuedBatch): void {
    const index = this.queue.indexOf(batch);
    if (index >= 0) this.queue.splice(index, 1);
    this.queuedBytes -= batch.bytes;
    if (batch.cached) this.cachedBytes -= batch.cached.payload.byteLength;
    if (batch.path) this.dir?.removeFile(batch.path);
  }

  private get where(): string {
    return this.dir?.root ?? 'in memory';
  }

  private hasSendable(): boolean {
    return this.queue.some((b) => this.posters.has(b.signal));
  }

  private wakeAfter(ms: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => {
      // The wait is over. A timer can fire a millisecond before Date.now() reaches retryAt (timers keep
      // the event loop's clock), and kick() would then do nothing, with no timer left to try again.
      this.retryAt = 0;
      this.kick();
    }, ms);
    this.wakeTimer.unref();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function jitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function itemWord(header: BatchHeader): string {
  return header.signal === 'traces' ? 'spans' : 'log records';
}
