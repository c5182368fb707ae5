/*
 * Runs the fault suite's apps (test/faults/apps/) as child processes under the register hook, the way a
 * user starts them, and reads back what each run did: the app's own record of completed calls, how and
 * when the process ended, and what the receiver got. Every child is killed at the end of its test, even
 * a failed one (`killAll` in afterEach), and every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedSpan } from './otlp-protobuf';

export const ROOT = join(__dirname, '..', '..');
const APPS = 'test/faults/apps';
const REGISTER = 'opentelemetry-instrumentation-genai/register';

export const ESM_APP = ['--import', REGISTER, `${APPS}/fault-app.mjs`];
export const CJS_APP = ['-r', REGISTER, `${APPS}/fault-app.cjs`];
export const ESM_APP_GC = ['--expose-gc', ...ESM_APP];
export const DRAIN_APP = ['--import', REGISTER, `${APPS}/drain-app.mjs`];

export interface AppRecord {
  calls: Array<{ at: number; id: string }>;
  issued: Record<string, number>;
  events: Array<{ at: number; what: string }>;
  /** The time of the app's last recorded act (its last completed call, or its last event). */
  lastAt: number | undefined;
}

export function readRecord(file: string): AppRecord {
  const record: AppRecord = { calls: [], issued: {}, events: [], lastAt: undefined };
  if (!existsSync(file)) return record;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(call|issued|event) (\d+) (.*)$/.exec(line);
    if (!match) continue; // a line cut by SIGKILL mid-write
    const [, kind, at, what] = match as unknown as [string, string, string, string];
    if (kind === 'call') record.calls.push({ at: Number(at), id: what });
    else if (kind === 'issued') record.issued[what] = (record.issued[what] ?? 0) + 1;
    else record.events.push({ at: Number(at), what });
    record.lastAt = Math.max(record.lastAt ?? 0, Number(at));
  }
  return record;
}

export interface RunEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the parent saw the process end (ms since epoch, the clock the app's record uses too). */
  exitAt: number;
  /** The suite killed it: it outlived `hardLimitMs`. */
  killedBySuite: boolean;
  stdout: string;
  stderr: string;
}

export interface RunningApp {
  child: ChildProcess;
  recordFile: string;
  ended: Promise<RunEnd>;
  record(): AppRecord;
  /** Sends a signal and notes when (for the SIGKILL loss bound and the exit-after-signal time). */
  signal(signal: NodeJS.Signals): number;
}

const live = new Set<ChildProcess>();

/** The environment of a child: nothing of the outer OTEL_* or NODE_OPTIONS, then `env`. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && key !== 'NODE_OPTIONS' && !key.startsWith('FAULT_')) out[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export function startApp(args: string[], env: Record<string, string | undefined>, recordFile: string, hardLimitMs: number): RunningApp {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv({ ...env, FAULT_RECORD: recordFile }), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let killedBySuite = false;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const hardLimit = setTimeout(() => {
    killedBySuite = true;
    child.kill('SIGKILL');
  }, hardLimitMs);
  const ended = new Promise<RunEnd>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(hardLimit);
      live.delete(child);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      const exitAt = Date.now();
      clearTimeout(hardLimit);
      live.delete(child);
      // 'close' follows once the output pipes are drained: take the full stdout/stderr from there.
      child.once('close', () => resolve({ code, signal, exitAt, killedBySuite, stdout, stderr }));
    });
  });
  return {
    child,
    recordFile,
    ended,
    record: () => readRecord(recordFile),
    signal: (s) => {
      const at = Date.now();
      child.kill(s);
      return at;
    },
  };
}

/** SIGKILLs every child still running and waits (bounded) until they are gone. */
export async function killAll(): Promise<void> {
  const children = [...live];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => Promise.race([new Promise((r) => child.once('exit', r)), sleep(3_000)])));
  live.clear();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 25 ms; false if it did not hold within `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(25);
  }
  return condition();
}

/** A fresh directory per test: its spool and its app record. */
export function freshDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `genai-faults-${label}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Bytes in the regular files under `dir` (0 when it does not exist). */
export function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export interface Delivery {
  /** Response ids the app recorded as completed. */
  completed: number;
  /** Distinct spans (by span id) of the app's calls that carry one of those response ids. */
  matched: number;
  /** Completed calls with no span. */
  missing: string[];
  /** Response ids on a span the app never recorded as completed. */
  unexpected: string[];
  /** Response ids found on more than one distinct span: two spans for one call, not a resent copy. */
  onSeveralSpans: string[];
  /** Spans of the call loop without a response id: calls still in flight when the process ended. */
  withoutResponseId: number;
  /** Extra copies of spans already received (same span id): at-least-once delivery. */
  duplicates: number;
  /** The span ids that arrived more than once. */
  duplicateSpanIds: string[];
  /** Span ids whose name or attributes are not those of the app's calls (`expected`). */
  malformed: string[];
  /** Span ids whose copies differ: not a resent copy of one span. */
  conflictingCopies: string[];
}

/**
 * Matches the spans of the app's paced calls (model gpt-4o-mini) to its record, by response id; each
 * must be named `expectedName` and carry the attributes of `expected` (exact values; a span without a
 * response id, a call in flight at the process's end, only the request ones).
 */
export function matchDelivery(record: AppRecord, byId: ReadonlyMap<string, DecodedSpan[]>, expectedName: string, expected: Record<string, unknown>): Delivery {
  const completedIds = new Set(record.calls.map((c) => c.id));
  const spansByResponseId = new Map<string, Set<string>>();
  let withoutResponseId = 0;
  let duplicates = 0;
  const duplicateSpanIds: string[] = [];
  const conflictingCopies: string[] = [];
  const malformed: string[] = [];
  for (const [spanId, copies] of byId) {
    const span = copies[0]!;
    if (span.attributes['gen_ai.request.model'] !== 'gpt-4o-mini') continue;
    duplicates += copies.length - 1;
    if (copies.length > 1) duplicateSpanIds.push(spanId);
    // A call in flight when the process ended (no response id: ended at exit, see expectInFlightOnly) has
    // no response yet: only its request side is checked.
    const inFlight = typeof span.attributes['gen_ai.response.id'] !== 'string';
    const checked = Object.entries(expected).filter(([k]) => !(inFlight && k.startsWith('gen_ai.response.')));
    if (span.name !== expectedName || checked.some(([k, v]) => span.attributes[k] !== v)) malformed.push(spanId);
    const canonical = JSON.stringify([span.name, span.endTimeUnixNano, span.attributes]);
    if (copies.some((c) => JSON.stringify([c.name, c.endTimeUnixNano, c.attributes]) !== canonical)) conflictingCopies.push(spanId);
    const responseId = span.attributes['gen_ai.response.id'];
    if (typeof responseId !== 'string') {
      withoutResponseId++;
      continue;
    }
    const spans = spansByResponseId.get(responseId) ?? new Set<string>();
    spans.add(spanId);
    spansByResponseId.set(responseId, spans);
  }
  return {
    completed: completedIds.size,
    matched: [...completedIds].filter((id) => spansByResponseId.has(id)).length,
    missing: [...completedIds].filter((id) => !spansByResponseId.has(id)),
    unexpected: [...spansByResponseId.keys()].filter((id) => !completedIds.has(id)),
    onSeveralSpans: [...spansByResponseId].filter(([, spans]) => spans.size > 1).map(([id]) => id),
    withoutResponseId,
    duplicates,
    duplicateSpanIds,
    conflictingCopies,
    malformed,
  };
}

/** One line of the suite's closing table (printed by ./faults-summary-reporter.js). */
export interface SummaryRow {
  fault: string;
  completed: number | string;
  /** Spans received by the end of the app's own run, and after the drain run (when there is one). */
  receivedInRun: number;
  receivedAfterDrain?: number;
  duplicates: number;
  /** Milliseconds from the app's last completed call (or last act) to the process exit. */
  exitAfterLastMs?: number;
  endedBy: string;
}

/** Appends a row to the file the summary reporter prints (set by jest.faults.config.js). */
export function reportRow(row: SummaryRow): void {
  const file = process.env.FAULTS_SUMMARY_FILE;
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
}

export function describeEnd(end: RunEnd): string {
  if (end.killedBySuite) return 'killed by the suite (hung)';
  return end.signal ? `signal ${end.signal}` : `exit code ${end.code}`;
}
