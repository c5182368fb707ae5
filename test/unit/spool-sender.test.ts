/*
 * The spool's sender (src/spool/spool-sender.ts) with its real OTLP/HTTP poster, against a loopback
 * receiver that answers as scripted: what is accepted is deleted and counted; what is refused for now is
 * retried after the receiver's Retry-After or a backoff; what is refused for good is dropped with one
 * warning; protobuf batches are merged into one request; the disk budget evicts the oldest; damaged
 * files are skipped; and neither an unreachable nor a hanging receiver keeps a process alive.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as BatchFileModule from '../../src/spool/batch-file';
import type * as PosterModule from '../../src/spool/otlp-http-post';
import type * as DirectoryModule from '../../src/spool/spool-directory';
import type * as ReportModule from '../../src/spool/spool-report';
import type * as SenderModule from '../../src/spool/spool-sender';
import { ROOT, useBuiltPackage } from '../helpers/child-app';
import { ScriptedReceiver, closedPort, waitFor } from '../helpers/otlp-scripted-receiver';

type Signal = BatchFileModule.Signal;
type Encoding = BatchFileModule.Encoding;

// Fresh modules for every test: warnings are printed once per process (per module instance), and each
// test counts its own.
let m: typeof BatchFileModule & typeof PosterModule & typeof DirectoryModule & typeof ReportModule & typeof SenderModule;
let temp: string;
let receiver: ScriptedReceiver;
let sender: SenderModule.SpoolSender | undefined;
let warnings: string[];

beforeEach(async () => {
  jest.resetModules();
  m = {
    ...(require('../../src/spool/batch-file') as typeof BatchFileModule),
    ...(require('../../src/spool/otlp-http-post') as typeof PosterModule),
    ...(require('../../src/spool/spool-directory') as typeof DirectoryModule),
    ...(require('../../src/spool/spool-report') as typeof ReportModule),
    ...(require('../../src/spool/spool-sender') as typeof SenderModule),
  };
  temp = fs.mkdtempSync(join(tmpdir(), 'spool-sender-test-'));
  receiver = await new ScriptedReceiver().start();
  warnings = [];
  jest.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
    if (options?.code === 'OTEL_GENAI_SPOOL') warnings.push(String(message));
  }) as typeof process.emitWarning);
});

afterEach(async () => {
  sender?.stop();
  sender = undefined;
  jest.restoreAllMocks();
  await receiver.close();
  fs.rmSync(temp, { recursive: true, force: true });
});

interface Setup {
  dir: DirectoryModule.SpoolDirectory;
  counters: ReportModule.SpoolCounters;
  sender: SenderModule.SpoolSender;
}

/** A spool directory and a sender posting traces and logs to `origin` (the receiver by default). */
function setUp({ maxBytes = 1 << 30, timeoutMillis = 5_000, origin = receiver.origin } = {}): Setup {
  const dir = m.SpoolDirectory.open(join(temp, 'spool'));
  const counters = m.newCounters();
  const poster = (signal: Signal) =>
    new m.OtlpHttpPoster({ url: `${origin}/v1/${signal}`, headers: { 'x-tenant': 'spool-test' }, compression: 'none', timeoutMillis });
  sender = new m.SpoolSender(dir, new Map([['traces', poster('traces')], ['logs', poster('logs')]]), maxBytes, counters);
  return { dir, counters, sender };
}

interface Written {
  file: DirectoryModule.SpooledFile;
  /** What the writer hands the sender with the file: its header and request. */
  written: { header: { signal: Signal; encoding: Encoding; items: number }; payload: Buffer };
  payload: Buffer;
  items: number;
}

/** Writes batch files (not yet known to the sender); payloads are distinct, `size` bytes each. */
function write(dir: DirectoryModule.SpoolDirectory, batches: Array<{ signal?: Signal; encoding?: Encoding; items?: number; size?: number }>): Written[] {
  return batches.map(({ signal = 'traces', encoding = 'protobuf', items = 1, size = 32 }, i) => {
    const payload = Buffer.alloc(size, `${signal}-${encoding}-${i}-${Math.random()}|`);
    const header = { signal, encoding, items };
    return { file: dir.writeBatch(signal, [m.encodeHeader(header, payload), payload]), written: { header, payload }, payload, items };
  });
}

const counted = (c: ReportModule.SpoolCounters) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));
const onDisk = (w: Written) => fs.existsSync(w.file.path);

describe('accepted batches', () => {
  it('are sent oldest first, each with its content type, then deleted and counted', async () => {
    const { dir, counters, sender } = setUp();
    const batches = write(dir, [
      { signal: 'traces', encoding: 'json', items: 3 },
      { signal: 'logs', encoding: 'protobuf', items: 4 },
      { signal: 'traces', encoding: 'json', items: 5 },
    ]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(receiver.requests.map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      ['POST', '/v1/traces', 'application/json'],
      ['POST', '/v1/logs', 'application/x-protobuf'],
      ['POST', '/v1/traces', 'application/json'],
    ]);
    expect(receiver.requests.map((r) => r.body)).toEqual(batches.map((b) => b.payload));
    for (const r of receiver.requests) {
      expect(r.headers['x-tenant']).toBe('spool-test');
      expect(r.headers['user-agent']).toMatch(/^opentelemetry-instrumentation-genai-spool\/\d+\.\d+\.\d+/);
      expect(r.headers['content-length']).toBe(String(r.body.byteLength));
    }
    expect(batches.filter(onDisk)).toEqual([]);
    expect(counted(counters)).toEqual({ sentBatches: 3, sentItems: 12 });
    expect(sender.pendingBatches).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('a batch this process wrote is sent from memory and its file deleted', async () => {
    const { dir, counters, sender } = setUp();
    const [b] = write(dir, [{ encoding: 'json', items: 2 }]);
    sender.addWritten(b!.file, b!.written);
    await waitFor('the batch to be sent', () => sender.pendingBatches === 0);
    expect(receiver.requests.map((r) => r.body)).toEqual([b!.payload]);
    expect(onDisk(b!)).toBe(false);
    expect(counted(counters)).toEqual({ sentBatches: 1, sentItems: 2 });
  });
});

describe('retries', () => {
  it('503 with Retry-After: 1 (twice) waits about a second each time, then sends again', async () => {
    receiver.reply({ status: 503, headers: { 'retry-after': '1' } }, { status: 503, headers: { 'retry-after': '1' } });
    const { dir, counters, sender } = setUp();
    const [b] = write(dir, [{ encoding: 'json', items: 2 }]);
    sender.addFound(dir.listOwnFiles());
    await waitFor('the retries to be accepted', () => sender.pendingBatches === 0);

    expect(receiver.requests.map((r) => r.body)).toEqual([b!.payload, b!.payload, b!.payload]);
    // Lower bounds only: no try came sooner than the receiver asked.
    const at = receiver.requests.map((r) => r.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(950);
    expect(onDisk(b!)).toBe(false);
    expect(counted(counters)).toEqual({ sentBatches: 1, sentItems: 2 });
    // 503 is a transient answer: no warning.
    expect(warnings).toEqual([]);
  });

  it('Retry-After: 0 is the least wait: the backoff still grows, no hot loop', async () => {
    receiver.reply({ status: 503, headers: { 'retry-after': '0' } }, { status: 503, headers: { 'retry-after': '0' } });
    const { dir, sender } = setUp();
    write(dir, [{ encoding: 'json', items: 1 }]);
    sender.addFound(dir.listOwnFiles());
    await waitFor('the third try to be accepted', () => sender.pendingBatches === 0);
    const at = receiver.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    // The backoff's first steps are 1 s and 2 s, each with ±20 % jitter.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(750);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1550);
  });

  it('the wall clock stepping back during a backoff (an NTP step) does not stall the retries', async () => {
    receiver.reply({ status: 503, headers: { 'retry-after': '1' } });
    const { dir, counters, sender } = setUp();
    const [b] = write(dir, [{ encoding: 'json', items: 2 }]);
    sender.addFound(dir.listOwnFiles());
    await waitFor('the first try', () => receiver.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the refusal is settled, the backoff runs
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 2_000);
    // The same can happen without a clock step: a timer may fire a millisecond before Date.now() reaches
    // the time it was set for (timers run on the event loop's own clock).
    await waitFor('the retry to be accepted', () => sender.pendingBatches === 0, 5_000);
    expect(receiver.requests.map((r) => r.body)).toEqual([b!.payload, b!.payload]);
    expect(counted(counters)).toEqual({ sentBatches: 1, sentItems: 2 });
  });

  it('a receiver that does not answer within timeoutMillis is tried again later', async () => {
    receiver.reply('hang');
    const { dir, counters, sender } = setUp({ timeoutMillis: 300 });
    const [b] = write(dir, [{ encoding: 'json', items: 1 }]);
    sender.addFound(dir.listOwnFiles());
    await waitFor('the retry to be accepted', () => sender.pendingBatches === 0);

    expect(receiver.requests.map((r) => r.body)).toEqual([b!.payload, b!.payload]);
    // The timeout, then at least the first backoff (1 s, less its jitter of at most 20 %).
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(300 + 750);
    expect(counted(counters)).toEqual({ sentBatches: 1, sentItems: 1 });
  });

  it('drain(deadline) against a closed port returns false by the deadline, and the files stay', async () => {
    const { dir, counters, sender } = setUp({ origin: `http://127.0.0.1:${await closedPort()}` });
    const batches = write(dir, [{ items: 1 }, { items: 2, encoding: 'json' }]);
    sender.addFound(dir.listOwnFiles());
    const started = Date.now();
    expect(await sender.drain(started + 1_500)).toBe(false);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_450);
    expect(took).toBeLessThan(5_000);
    expect(batches.filter(onDisk)).toEqual(batches);
    expect(sender.pendingBatches).toBe(2);
    expect(counted(counters)).toEqual({});
  });
});

describe('rejected batches', () => {
  it('400: dropped, counted, one warning however many', async () => {
    receiver.reply({ status: 400 }, { status: 400 });
    const { dir, counters, sender } = setUp();
    const batches = write(dir, [
      { encoding: 'json', items: 3 },
      { encoding: 'json', items: 4 },
      { encoding: 'json', items: 5 },
    ]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(receiver.requests).toHaveLength(3);
    expect(batches.filter(onDisk)).toEqual([]);
    expect(counted(counters)).toEqual({ rejectedBatches: 2, rejectedItems: 7, sentBatches: 1, sentItems: 5 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${receiver.origin}/v1/traces rejected a batch (HTTP 400); its 3 spans are dropped`);
  });

  it('413 on a merged request: each batch is tried alone, and only the one refused alone is dropped', async () => {
    receiver.reply({ status: 413 }, { status: 200 }, { status: 413 }, { status: 200 });
    const { dir, counters, sender } = setUp();
    const batches = write(dir, [{ items: 1 }, { items: 2 }, { items: 3 }]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(receiver.requests.map((r) => r.body)).toEqual([Buffer.concat(batches.map((b) => b.payload)), ...batches.map((b) => b.payload)]);
    expect(counted(counters)).toEqual({ sentBatches: 2, sentItems: 4, rejectedBatches: 1, rejectedItems: 2 });
    expect(batches.filter(onDisk)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('rejected a batch (HTTP 413); its 2 spans are dropped');
  });
});

describe('merging', () => {
  it('three protobuf batches of one signal go as one request: their payloads concatenated, in order', async () => {
    const { dir, counters, sender } = setUp();
    const batches = write(dir, [{ items: 1 }, { items: 2, size: 70_000 }, { items: 3, size: 0 }]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(Buffer.compare(receiver.requests[0]!.body, Buffer.concat(batches.map((b) => b.payload)))).toBe(0);
    expect(counted(counters)).toEqual({ sentBatches: 3, sentItems: 6 });
  });

  it('json batches go one request each', async () => {
    const { dir, sender } = setUp();
    const batches = write(dir, [{ encoding: 'json' }, { encoding: 'json' }, { encoding: 'json' }]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);
    expect(receiver.requests.map((r) => r.body)).toEqual(batches.map((b) => b.payload));
  });

  it('only consecutive batches of one signal merge', async () => {
    const { dir, sender } = setUp();
    const [t1, t2, l1, t3, j1, t4] = write(dir, [
      { signal: 'traces' },
      { signal: 'traces' },
      { signal: 'logs' },
      { signal: 'traces' },
      { signal: 'traces', encoding: 'json' },
      { signal: 'traces' },
    ]);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);
    expect(receiver.requests.map((r) => [r.url, r.body])).toEqual([
      ['/v1/traces', Buffer.concat([t1!.payload, t2!.payload])],
      ['/v1/logs', l1!.payload],
      ['/v1/traces', t3!.payload],
      ['/v1/traces', j1!.payload],
      ['/v1/traces', t4!.payload],
    ]);
  });
});

describe('the disk budget', () => {
  it('evicts the oldest batches past maxBytes, counts them, and warns once', async () => {
    // Five files of 20 + 100 bytes; a budget of 300 keeps the newest two.
    const { dir, counters, sender } = setUp({ maxBytes: 300 });
    const batches = write(dir, [1, 2, 3, 4, 5].map((items) => ({ items, size: 100, encoding: 'json' as const })));
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(counted(counters)).toEqual({ evictedBatches: 3, evictedItems: 6, sentBatches: 2, sentItems: 9 });
    expect(receiver.requests.map((r) => r.body)).toEqual([batches[3]!.payload, batches[4]!.payload]);
    expect(batches.filter(onDisk)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is over its budget of 300 bytes');

    // Over the budget again, later: counted, no second warning.
    const more = write(dir, [7, 8, 9].map((items) => ({ items, size: 100, encoding: 'json' as const })));
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);
    expect(counted(counters)).toEqual({ evictedBatches: 4, evictedItems: 13, sentBatches: 4, sentItems: 26 });
    expect(receiver.requests.slice(2).map((r) => r.body)).toEqual([more[1]!.payload, more[2]!.payload]);
    expect(warnings).toHaveLength(1);
  });

  it('a batch bigger than the whole budget is evicted on arrival', async () => {
    const { dir, counters, sender } = setUp({ maxBytes: 50 });
    const [b] = write(dir, [{ items: 7, size: 100 }]);
    sender.addWritten(b!.file, b!.written);
    expect(await sender.drain(Date.now() + 5_000)).toBe(true);
    expect(counted(counters)).toEqual({ evictedBatches: 1, evictedItems: 7 });
    expect(receiver.requests).toEqual([]);
    expect(onDisk(b!)).toBe(false);
  });
});

describe('damaged batch files', () => {
  it('are skipped, counted, removed, and the next one is still sent', async () => {
    const { dir, counters, sender } = setUp();
    const [good1, corrupted, torn, garbage, good2] = write(dir, [1, 2, 3, 4, 5].map((items) => ({ items, encoding: 'json' as const, size: 64 })));
    const flipped = fs.readFileSync(corrupted!.file.path);
    flipped[m.HEADER_BYTES + 10]! ^= 0x40;
    fs.writeFileSync(corrupted!.file.path, flipped);
    fs.truncateSync(torn!.file.path, m.HEADER_BYTES + 5);
    fs.writeFileSync(garbage!.file.path, 'this is not a spool batch at all');
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 10_000)).toBe(true);

    expect(receiver.requests.map((r) => r.body)).toEqual([good1!.payload, good2!.payload]);
    expect(counted(counters)).toEqual({ unreadableBatches: 3, sentBatches: 2, sentItems: 6 });
    expect([corrupted, torn, garbage].filter((b) => onDisk(b!))).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`skipped a spooled batch that cannot be read (corrupted (checksum mismatch)): ${corrupted!.file.path}`);
  });
});

describe('a batch file whose header contradicts its name', () => {
  // A traces file whose header says logs (a flipped signal byte, which the checksum catches, or a file
  // renamed) is damaged like any other: it must not be posted to the wrong endpoint, nor to none (a
  // sender with no logs poster).
  it.each([
    ['with a poster for both signals', ['traces', 'logs'] as Signal[]],
    ['with a traces poster only', ['traces'] as Signal[]],
  ])('is skipped as unreadable, %s', async (_, signals) => {
    const dir = m.SpoolDirectory.open(join(temp, 'spool'));
    const counters = m.newCounters();
    sender = new m.SpoolSender(
      dir,
      new Map(signals.map((s) => [s, new m.OtlpHttpPoster({ url: `${receiver.origin}/v1/${s}`, headers: {}, compression: 'none', timeoutMillis: 5_000 })])),
      1 << 30,
      counters,
    );
    const [flipped, good] = write(dir, [{ items: 2, encoding: 'json' }, { items: 3, encoding: 'json' }]);
    const bytes = fs.readFileSync(flipped!.file.path);
    bytes[5] = 1; // signal: logs
    fs.writeFileSync(flipped!.file.path, bytes);
    sender.addFound(dir.listOwnFiles());
    expect(await sender.drain(Date.now() + 5_000)).toBe(true);

    expect(receiver.requests.map((r) => [r.url, r.body])).toEqual([['/v1/traces', good!.payload]]);
    expect(counted(counters)).toEqual({ unreadableBatches: 1, sentBatches: 1, sentItems: 3 });
    expect(onDisk(flipped!)).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});

describe('a process with a sender that cannot deliver', () => {
  useBuiltPackage();
  const dist = (name: string) => JSON.stringify(join(ROOT, 'dist', 'cjs', 'spool', `${name}.js`));
  // A child whose only work, besides WORK_MS (300) of its own (time for the request to be sent and fail or
  // hang), is a sender that keeps failing; with DRAIN_MS, it also awaits drain(now + DRAIN_MS) and prints
  // the outcome.
  const CHILD = `
const { SpoolDirectory } = require(${dist('spool-directory')});
const { SpoolSender } = require(${dist('spool-sender')});
const { OtlpHttpPoster } = require(${dist('otlp-http-post')});
const { encodeHeader } = require(${dist('batch-file')});
const { newCounters } = require(${dist('spool-report')});
const dir = SpoolDirectory.open(process.env.SPOOL_ROOT);
const poster = new OtlpHttpPoster({ url: process.env.RECEIVER_URL, headers: {}, compression: 'none', timeoutMillis: 30000 });
let posts = 0;
const post = poster.post.bind(poster);
poster.post = (...args) => (posts++, post(...args));
const sender = new SpoolSender(dir, new Map([['traces', poster]]), 1e9, newCounters());
const header = { signal: 'traces', encoding: 'protobuf', items: 1 };
const payload = Buffer.from('span');
sender.addWritten(dir.writeBatch('traces', [encodeHeader(header, payload), payload]), { header, payload });
const drained = process.env.DRAIN_MS ? sender.drain(Date.now() + Number(process.env.DRAIN_MS)) : undefined;
drained?.then((sent) => process.stdout.write(JSON.stringify({ drained: sent }) + '\\n'));
setTimeout(() => {}, Number(process.env.WORK_MS ?? 300));
process.on('exit', () => process.stdout.write(JSON.stringify({ posts, pending: sender.pendingBatches, files: dir.listOwnFiles().length }) + '\\n'));
`;

  function runChild(url: string, env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; ms: number; result: unknown; stderr: string }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const childEnv = { ...process.env, SPOOL_ROOT: join(temp, 'child-spool'), RECEIVER_URL: url, NODE_OPTIONS: '', ...env };
      const child = spawn(process.execPath, ['-e', CHILD], { env: childEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // The bound of the test: a child still running after 15 s is killed (and fails the timing check).
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        let result: unknown;
        try {
          // One JSON object per line (the drain's outcome, if any, then the state at exit), merged.
          result = Object.assign({}, ...stdout.trim().split('\n').map((line) => JSON.parse(line) as object));
        } catch {
          result = stdout;
        }
        resolve({ code, signal, ms: Date.now() - started, result, stderr });
      });
    });
  }

  it('a closed port: the child exits on its own at once, its batch kept on disk', async () => {
    const run = await runChild(`http://127.0.0.1:${await closedPort()}/v1/traces`);
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(run.result).toEqual({ posts: 1, pending: 1, files: 1 });
    // The backoff timer of the retry (due about 1 s after the failure) did not keep it alive; Node's start included.
    expect(run.ms).toBeLessThan(5_000);
  });

  it('a receiver that accepts the connection and never answers: the child exits anyway, mid-request', async () => {
    const sockets = new Set<Socket>();
    let received = '';
    const silent: NetServer = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runChild(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`);
      expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
      expect(run.result).toEqual({ posts: 1, pending: 1, files: 1 });
      // The request was really in flight when the child ended.
      await waitFor('the request at the silent receiver', () => received.includes('\r\n\r\nspan'), 2_000);
      expect(received.startsWith('POST /v1/traces HTTP/1.1\r\n')).toBe(true);
      expect(sockets.size).toBe(1);
      // The poster's timeout is 30 s and the drain's deadline 60 s: neither held it.
      expect(run.ms).toBeLessThan(5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a drain the app awaits keeps it alive until everything is sent', async () => {
    const run = await runChild(`${receiver.origin}/v1/traces`, { DRAIN_MS: '10000', WORK_MS: '0' });
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(run.result).toEqual({ drained: true, posts: 1, pending: 0, files: 0 });
    expect(receiver.requests.map((r) => r.body)).toEqual([Buffer.from('span')]);
  });

  it('a drain the app awaits keeps it alive until its deadline, and no longer', async () => {
    const run = await runChild(`http://127.0.0.1:${await closedPort()}/v1/traces`, { DRAIN_MS: '1500', WORK_MS: '0' });
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    // Retried meanwhile (backoff of about 1 s), then given up at the deadline with the batch kept.
    expect(run.result).toEqual({ drained: false, posts: 2, pending: 1, files: 1 });
    expect(run.ms).toBeGreaterThanOrEqual(1_500);
    expect(run.ms).toBeLessThan(8_000);
  });
});
