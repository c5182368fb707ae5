/*
 * Fault injection, measured as a user would: an app under the register hook (`node --import .../register`,
 * one row `node -r`) makes ~10 real openai SDK calls per second to a loopback OpenAI server and records
 * each completed call synchronously; a loopback OTLP/HTTP receiver stands in for the collector. Each row
 * injects one fault (receiver down, 503, hanging; uncaught exception, process.exit, SIGTERM, SIGKILL;
 * calls the app never finishes) and compares what the app completed with the distinct spans the receiver
 * got, matched by `gen_ai.response.id`, after a "drain" run: a do-nothing app started under the hook with
 * the same spool directory, which must deliver what the faulty run left in the spool.
 *
 * Each test has a spool directory of its own (OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR). The shutdown cap is
 * 2 s (OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT) so that "exits within the cap" is quick to check.
 * The figures of every row are printed in one table at the end (./faults-summary-reporter.js).
 */
import { join } from 'node:path';
import { useBuiltPackage } from '../helpers/child-app';
import { CountingOpenAIServer } from './counting-openai-server';
import { FaultyOtlpReceiver, type ReceiverMode } from './faulty-otlp-receiver';
import type { DecodedSpan } from './otlp-protobuf';
import {
  CJS_APP,
  DRAIN_APP,
  ESM_APP,
  ESM_APP_GC,
  bytesUnder,
  describeEnd,
  freshDir,
  killAll,
  matchDelivery,
  removeDir,
  reportRow,
  sleep,
  startApp,
  waitFor,
  type AppRecord,
  type Delivery,
  type RunEnd,
  type RunningApp,
} from './harness';

const SHUTDOWN_CAP_MS = 2_000;
/** Room above the cap for Node's own start of the exit and the parent seeing it. */
const EXIT_MARGIN_MS = 1_000;
/** How long after the last call a SIGKILL may cost spans: spans reach the disk within ~1 s of ending. */
const SIGKILL_LOSS_WINDOW_MS = 1_500;
/** Calls of each kind in the abandoned-call rows (the 5,000 streams, scaled down). */
const ABANDONED = 100;
const ABANDON_KINDS = ['abandon-never-iterated', 'abandon-one-chunk', 'abandon-unawaited', 'abandon-unawaited-stream'] as const;
const ABANDONED_ATTRIBUTE = 'genai_app.call.abandoned';
const CALL_SPAN_NAME = 'chat gpt-4o-mini';

describe('fault injection: calls completed under the register hook = spans received', () => {
  useBuiltPackage();
  const llm = new CountingOpenAIServer();
  const receiver = new FaultyOtlpReceiver();
  let dir: string | undefined;

  beforeAll(async () => {
    await llm.start();
    await receiver.start();
  });
  afterAll(async () => {
    await killAll();
    await receiver.close();
    await llm.stop();
  });
  beforeEach(async () => {
    dir = freshDir('row');
    await receiver.setMode('ok');
    receiver.reset();
    llm.reset();
  });
  afterEach(async () => {
    await killAll();
    await receiver.setMode('ok');
    removeDir(dir);
    dir = undefined;
  });

  const spoolDir = () => join(dir!, 'spool');

  /** What every span of the app's paced calls carries, whatever path it took to the receiver. */
  const callAttributes = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'server.address': '127.0.0.1',
    'server.port': llm.port,
  });

  function otelEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      FAULT_LLM_BASE_URL: llm.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'genai-fault-suite',
      OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: spoolDir(),
      OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT: String(SHUTDOWN_CAP_MS),
      ...extra,
    };
  }

  /** A copy of what the receiver holds now (the drain run adds to it). */
  function snapshot(): Map<string, DecodedSpan[]> {
    return new Map([...receiver.spans].map(([id, copies]) => [id, [...copies]]));
  }

  interface Row {
    fault: string;
    args?: string[];
    app: Record<string, string>;
    env?: Record<string, string | undefined>;
    receiver?: { mode: ReceiverMode; retryAfter?: string };
    /** Runs alongside the app (timed faults, signals); may return when it sent a signal. */
    during?: (app: RunningApp) => Promise<number | void>;
    hardLimitMs?: number;
    /** false: the test reports its own row (the abandoned-call rows count spans, not calls). */
    summary?: boolean;
  }

  interface RowResult {
    end: RunEnd;
    record: AppRecord;
    inRun: Delivery;
    afterDrain: Delivery;
    spoolBytesAfterRun: number;
    exitAfterLastMs: number | undefined;
    signalAt: number | undefined;
    /** Span copies after the run, after the drain run. */
    runSpans: Map<string, DecodedSpan[]>;
    drainEnd: RunEnd;
  }

  /** Runs the app with its fault, then the drain run against a healthy receiver; reports the row. */
  async function runRow(row: Row): Promise<RowResult> {
    await receiver.setMode(row.receiver?.mode ?? 'ok', row.receiver?.retryAfter);
    const app = startApp(row.args ?? ESM_APP, otelEnv({ ...row.env, ...row.app }), join(dir!, 'record'), row.hardLimitMs ?? 25_000);
    const during = row.during?.(app).catch(async (error: Error) => {
      // Say why the app did not get as far as the fault needed (a crash at start, say).
      app.child.kill('SIGKILL');
      const end = await app.ended;
      throw new Error(`${error.message}\n--- the app ended by ${describeEnd(end)}; stderr:\n${end.stderr}`);
    });
    const [sent, end] = await Promise.all([during, app.ended]);
    const signalAt = typeof sent === 'number' ? sent : undefined;
    // Requests the app sent just before it ended are still being read by the receiver.
    await sleep(200);
    const record = app.record();
    const runSpans = snapshot();
    const inRun = matchDelivery(record, runSpans, CALL_SPAN_NAME, callAttributes());
    const spoolBytesAfterRun = bytesUnder(spoolDir());

    await receiver.setMode('ok');
    const drain = startApp(DRAIN_APP, otelEnv(row.env), join(dir!, 'drain-record'), 20_000);
    const drainEnd = await drain.ended;
    await sleep(200);
    const afterDrain = matchDelivery(record, receiver.spans, CALL_SPAN_NAME, callAttributes());

    // From the last completed call; in the rows without paced calls, from the app's last act.
    const lastCallAt = record.calls.length > 0 ? Math.max(...record.calls.map((c) => c.at)) : record.lastAt;
    const exitAfterLastMs = lastCallAt === undefined ? undefined : end.exitAt - lastCallAt;
    const afterSignal = signalAt === undefined ? '' : ` (${((end.exitAt - signalAt) / 1000).toFixed(1)} s after it)`;
    if (row.summary !== false) reportRow({
      fault: row.fault,
      completed: record.calls.length,
      receivedInRun: inRun.matched,
      receivedAfterDrain: afterDrain.matched,
      duplicates: afterDrain.duplicates,
      exitAfterLastMs,
      endedBy: describeEnd(end) + afterSignal,
    });
    if (afterDrain.duplicates > 0) {
      const ids = afterDrain.duplicateSpanIds;
      console.log(`${row.fault}: ${afterDrain.duplicates} duplicate span copies (at-least-once delivery), span ids: ${ids.slice(0, 20).join(' ')}${ids.length > 20 ? ' ...' : ''}`);
    }
    if (end.stderr) console.log(`${row.fault}: the app's stderr:\n${end.stderr}`);
    if (drainEnd.stderr) console.log(`${row.fault}: the drain run's stderr:\n${drainEnd.stderr}`);
    return { end, record, inRun, afterDrain, spoolBytesAfterRun, exitAfterLastMs, signalAt, runSpans, drainEnd };
  }

  /** Every completed call has exactly one span, no span claims a call the app did not complete. */
  function expectAllDelivered(d: Delivery): void {
    expect({ missing: d.missing, onSeveralSpans: d.onSeveralSpans, conflictingCopies: d.conflictingCopies, malformed: d.malformed }).toEqual({
      missing: [],
      onSeveralSpans: [],
      conflictingCopies: [],
      malformed: [],
    });
    expect(d.matched).toBe(d.completed);
    expect(d.unexpected).toEqual([]);
    // At-least-once explains a resent batch, not every span arriving more than twice.
    expect(d.duplicates).toBeLessThanOrEqual(d.completed);
  }

  /**
   * Spans without a response id can only be calls in flight when the process ended: started by the app
   * but not completed (their request may not even have reached the server: a crash right after the call
   * started ends its span before the SDK's request is written).
   */
  function expectInFlightOnly(d: Delivery, record: AppRecord): void {
    expect(d.withoutResponseId).toBeLessThanOrEqual((record.issued['gpt-4o-mini'] ?? 0) - record.calls.length);
  }

  /** The process ended within the shutdown cap after its own work ended (its last act, or the signal). */
  function expectExitWithinCap(r: RowResult, from: number | undefined = r.record.lastAt): void {
    expect(r.end.killedBySuite).toBe(false);
    expect(from).toBeDefined();
    expect(r.end.exitAt - from!).toBeLessThanOrEqual(SHUTDOWN_CAP_MS + EXIT_MARGIN_MS);
  }

  /** Waits until the app has completed `calls` calls (bounded) and returns when it did. */
  async function afterCalls(app: RunningApp, calls: number): Promise<void> {
    if (!(await waitFor(() => app.record().calls.length >= calls, 15_000))) {
      throw new Error(`the app completed ${app.record().calls.length} calls in 15 s, expected ${calls}`);
    }
  }

  test('no fault: every call has its span, delivered by the run itself', async () => {
    const r = await runRow({ fault: 'none', app: { FAULT_MODE: 'normal', FAULT_DURATION_MS: '5000' } });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expect(r.record.calls.length).toBeGreaterThanOrEqual(40);
    expectAllDelivered(r.inRun);
    expect(r.inRun.withoutResponseId).toBe(0);
    expect(r.afterDrain.duplicates).toBe(0);
    expectExitWithinCap(r);
  });

  // Scaled down from "down for 30 s of a 60 s run" with the SDK's 5 s batch delay and 10 s export timeout:
  // here a batch every 1 s and a 1 s export timeout, so the outage outlasts the exporter's own retries
  // as it did there (with the default 10 s, the exporter alone would bridge a 4 s outage).
  test('receiver down for 4 s in the middle of a 9 s run: delivered once it is back, without a restart', async () => {
    const r = await runRow({
      fault: 'receiver down 4 s of a 9 s run',
      app: { FAULT_MODE: 'normal', FAULT_DURATION_MS: '9000' },
      env: { OTEL_BSP_SCHEDULE_DELAY: '1000', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
      during: async (app) => {
        await afterCalls(app, 1);
        await sleep(2_500);
        await receiver.setMode('down');
        await sleep(4_000);
        await receiver.setMode('ok');
      },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expect(r.record.calls.length).toBeGreaterThanOrEqual(80);
    expectAllDelivered(r.inRun);
    expectAllDelivered(r.afterDrain);
    expectExitWithinCap(r);
  });

  // A receiver that never accepts while the app runs: the app exits within the cap anyway, what it could
  // not send is in the spool, and the next process of the service delivers it. 8 s runs: the SDK's first
  // batch (5 s after the first span) is still being retried when the app's work ends, as in a long run.
  test.each([
    ['receiver 503 with Retry-After: 30 until the app ends', { mode: 'unavailable' as const, retryAfter: '30' }, 'http/json'],
    ['receiver 503 without Retry-After until the app ends', { mode: 'unavailable' as const }, 'http/json'],
    ['receiver hanging (never answers) until the app ends', { mode: 'hang' as const }, 'http/json'],
    ['receiver 503 until the app ends, OTLP http/protobuf', { mode: 'unavailable' as const }, undefined],
  ])('%s: exit within the cap, the spool keeps the rest, the next run delivers it', async (fault, mode, protocol) => {
    const r = await runRow({
      fault,
      app: { FAULT_MODE: 'normal', FAULT_DURATION_MS: '8000' },
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
      receiver: mode,
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expectExitWithinCap(r);
    expect(r.record.calls.length).toBeGreaterThanOrEqual(70);
    expect(r.inRun.matched).toBe(0); // nothing was ever accepted during the run
    expect(r.spoolBytesAfterRun).toBeGreaterThan(0);
    expect(r.drainEnd).toMatchObject({ code: 0, signal: null, killedBySuite: false });
    expectAllDelivered(r.afterDrain);
    expect(r.afterDrain.withoutResponseId).toBe(0);
    const traceRequests = receiver.requests.filter((q) => q.path === '/v1/traces');
    expect(traceRequests.length).toBeGreaterThan(0);
    const expectedType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    expect(traceRequests.filter((q) => !q.contentType.startsWith(expectedType))).toEqual([]);

    if (protocol === undefined) {
      // What was accepted is gone from the spool: a second start of the service sends no span again.
      const copies = () => [...receiver.spans.values()].reduce((n, c) => n + c.length, 0);
      const before = copies();
      const again = await startApp(DRAIN_APP, otelEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol }), join(dir!, 'drain2-record'), 20_000).ended;
      await sleep(200);
      expect(again.code).toBe(0);
      expect(copies()).toBe(before);
    }
  });

  test('receiver 503 until the app ends, message content captured as events: the log records come through the spool too', async () => {
    const r = await runRow({
      fault: 'receiver 503 until the app ends, with events (logs)',
      app: { FAULT_MODE: 'normal', FAULT_DURATION_MS: '5000' },
      env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_AND_EVENT' },
      receiver: { mode: 'unavailable' },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expectExitWithinCap(r);
    expectAllDelivered(r.afterDrain);
    // One details event per call, recorded in the call's span: matched to the call through its span id.
    const spanIdOf = new Map<string, string>();
    for (const [spanId, copies] of receiver.spans) spanIdOf.set(String(copies[0]!.attributes['gen_ai.response.id']), spanId);
    const events = new Map<string, number>();
    for (const copies of receiver.logs.values()) {
      if (copies[0]!.eventName === 'gen_ai.client.inference.operation.details') events.set(copies[0]!.spanId, (events.get(copies[0]!.spanId) ?? 0) + 1);
    }
    const callsWithout = r.record.calls.filter((c) => events.get(spanIdOf.get(c.id) ?? '') !== 1).map((c) => c.id);
    const logDuplicates = [...receiver.logs.values()].reduce((n, c) => n + c.length - 1, 0);
    console.log(`with events (logs): ${r.record.calls.length - callsWithout.length} of ${r.record.calls.length} calls have their event after the drain run; ${logDuplicates} duplicate log record copies`);
    expect(callsWithout).toEqual([]);
    expect(events.size).toBe(r.record.calls.length);
  });

  test('uncaught exception 3 s into the run: the next run delivers every completed call', async () => {
    const r = await runRow({
      fault: 'uncaught exception 3 s into the run',
      app: { FAULT_MODE: 'uncaught', FAULT_CRASH_AFTER_MS: '3000', FAULT_DURATION_MS: '10000' },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 1, signal: null });
    expect(r.end.stderr).toContain('fault-app: an uncaught exception');
    expect(r.record.calls.length).toBeGreaterThanOrEqual(20);
    expectAllDelivered(r.afterDrain);
    expectInFlightOnly(r.afterDrain, r.record);
    expectExitWithinCap(r);
  });

  test.each([
    ['process.exit(0) after the last call (ESM, --import)', ESM_APP],
    ['process.exit(0) after the last call (CommonJS, -r)', CJS_APP],
  ])('%s: the next run delivers every completed call', async (fault, args) => {
    const r = await runRow({ fault, args, app: { FAULT_MODE: 'exit', FAULT_DURATION_MS: '5000' } });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expect(r.record.events.map((e) => e.what)).toContain('exit');
    expect(r.record.calls.length).toBeGreaterThanOrEqual(40);
    expectAllDelivered(r.afterDrain);
    expect(r.afterDrain.withoutResponseId).toBe(0);
    expectExitWithinCap(r);
  });

  test("SIGTERM, the app's own handler calls process.exit(0): every completed call is delivered", async () => {
    const r = await runRow({
      fault: 'SIGTERM, app handler calls process.exit(0)',
      app: { FAULT_MODE: 'sigterm-handler', FAULT_DURATION_MS: '30000' },
      during: async (app) => {
        await afterCalls(app, 30);
        return app.signal('SIGTERM');
      },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expect(r.record.events.map((e) => e.what)).toContain('SIGTERM handled');
    expectAllDelivered(r.afterDrain);
    expectInFlightOnly(r.afterDrain, r.record);
    expectExitWithinCap(r, r.signalAt);
  });

  test('SIGTERM, no handler of the app: the process ends by the signal, every completed call is delivered', async () => {
    const r = await runRow({
      fault: 'SIGTERM, no app handler',
      app: { FAULT_MODE: 'until-signal', FAULT_DURATION_MS: '30000' },
      during: async (app) => {
        await afterCalls(app, 30);
        return app.signal('SIGTERM');
      },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expectAllDelivered(r.afterDrain);
    expectInFlightOnly(r.afterDrain, r.record);
    expectExitWithinCap(r, r.signalAt);
  });

  test('SIGKILL mid-run: only calls completed in the last ~1.5 s may be lost', async () => {
    const r = await runRow({
      fault: 'SIGKILL mid-run',
      app: { FAULT_MODE: 'until-signal', FAULT_DURATION_MS: '30000' },
      during: async (app) => {
        await afterCalls(app, 30);
        return app.signal('SIGKILL');
      },
    });
    expect(r.end.signal).toBe('SIGKILL');
    const killAt = r.signalAt!;
    const at = new Map(r.record.calls.map((c) => [c.id, c.at]));
    const lostEarly = r.afterDrain.missing.filter((id) => at.get(id)! < killAt - SIGKILL_LOSS_WINDOW_MS);
    console.log(`SIGKILL mid-run: ${r.afterDrain.missing.length} of ${r.record.calls.length} completed calls lost, ${lostEarly.length} of them completed more than ${SIGKILL_LOSS_WINDOW_MS} ms before the kill`);
    expect(lostEarly).toEqual([]);
    expect({ onSeveralSpans: r.afterDrain.onSeveralSpans, conflictingCopies: r.afterDrain.conflictingCopies, malformed: r.afterDrain.malformed }).toEqual({
      onSeveralSpans: [],
      conflictingCopies: [],
      malformed: [],
    });
    // The one call in flight may have ended its span just before the app could record it.
    expect(r.afterDrain.unexpected.length).toBeLessThanOrEqual(1);
    expect(r.afterDrain.duplicates).toBeLessThanOrEqual(r.record.calls.length);
  });

  test('spool off (OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED=false), receiver 503 until the app ends: the old loss, nothing on disk', async () => {
    const r = await runRow({
      fault: 'spool off, receiver 503 until the app ends',
      app: { FAULT_MODE: 'normal', FAULT_DURATION_MS: '8000' },
      env: { OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED: 'false' },
      receiver: { mode: 'unavailable' },
    });
    expect({ code: r.end.code, signal: r.end.signal }).toEqual({ code: 0, signal: null });
    expectExitWithinCap(r);
    expect(r.record.calls.length).toBeGreaterThanOrEqual(70);
    expect(r.spoolBytesAfterRun).toBe(0);
    expect(r.afterDrain.matched).toBe(0);
  });

  describe('calls the app never finishes: each span ends exactly once, marked with how', () => {
    /** The abandoned spans received, by model (the kind of call) and by the value of the abandoned attribute. */
    function abandonedByKind(spans: ReadonlyMap<string, DecodedSpan[]>): Record<string, Record<string, number>> {
      const out: Record<string, Record<string, number>> = {};
      for (const copies of spans.values()) {
        const model = copies[0]!.attributes['gen_ai.request.model'];
        if (typeof model !== 'string' || !model.startsWith('abandon-')) continue;
        const how = String(copies[0]!.attributes[ABANDONED_ATTRIBUTE] ?? '(not marked)');
        out[model] ??= {};
        out[model][how] = (out[model][how] ?? 0) + 1;
      }
      return out;
    }

    const expected = (how: string) => Object.fromEntries(ABANDON_KINDS.map((k) => [k, { [how]: ABANDONED }]));

    async function runAbandoned(fault: string, end: 'gc' | 'idle' | 'exit', env: Record<string, string> = {}, waitMs = 0) {
      const r = await runRow({
        fault,
        args: end === 'gc' ? ESM_APP_GC : ESM_APP,
        app: { FAULT_MODE: 'abandon', FAULT_ABANDON_COUNT: String(ABANDONED), FAULT_ABANDON_END: end, FAULT_ABANDON_WAIT_MS: String(waitMs) },
        env,
        summary: false,
      });
      const inRun = abandonedByKind(r.runSpans);
      const afterDrain = abandonedByKind(receiver.spans);
      const count = (by: Record<string, Record<string, number>>) => Object.values(by).reduce((n, m) => n + Object.values(m).reduce((a, b) => a + b, 0), 0);
      reportRow({
        fault,
        completed: `${ABANDONED * ABANDON_KINDS.length} issued`,
        receivedInRun: count(inRun),
        receivedAfterDrain: count(afterDrain),
        duplicates: [...receiver.spans.values()].reduce((n, c) => n + c.length - 1, 0),
        exitAfterLastMs: r.exitAfterLastMs,
        endedBy: describeEnd(r.end),
      });
      console.log(`${fault}: spans by kind and ${ABANDONED_ATTRIBUTE} after the drain run: ${JSON.stringify(afterDrain)}`);
      expect({ code: r.end.code, signal: r.end.signal, killedBySuite: r.end.killedBySuite }).toEqual({ code: 0, signal: null, killedBySuite: false });
      expect(r.record.issued).toEqual(Object.fromEntries(ABANDON_KINDS.map((k) => [k, ABANDONED])));
      expect(Object.fromEntries(ABANDON_KINDS.map((k) => [k, llm.requestsFor(k)]))).toEqual(Object.fromEntries(ABANDON_KINDS.map((k) => [k, ABANDONED])));
      const abandoned = [...receiver.spans.values()].map((c) => c[0]!).filter((s) => String(s.attributes['gen_ai.request.model']).startsWith('abandon-'));
      expect(abandoned.filter((s) => s.name !== `chat ${String(s.attributes['gen_ai.request.model'])}` || s.attributes['gen_ai.provider.name'] !== 'openai')).toEqual([]);
      // The streams read for one chunk saw their response id: their spans carry it.
      const oneChunk = [...receiver.spans.values()].map((c) => c[0]!).filter((s) => s.attributes['gen_ai.request.model'] === 'abandon-one-chunk');
      expect(oneChunk.filter((s) => !/^chatcmpl-fault-\d+$/.test(String(s.attributes['gen_ai.response.id'])))).toEqual([]);
      return { r, inRun, afterDrain };
    }

    test('dropped and garbage collected (global.gc()): ended as "garbage_collected"', async () => {
      const { r, inRun } = await runAbandoned('abandoned calls, dropped, GC', 'gc');
      expect(inRun).toEqual(expected('garbage_collected'));
      expect(receiver.distinctSpans().duplicates).toBe(0);
      expectExitWithinCap(r);
    });

    test('held but inactive past OTEL_INSTRUMENTATION_GENAI_IDLE_TIMEOUT=1000: ended as "idle_timeout"', async () => {
      const { r, inRun } = await runAbandoned('abandoned calls, held, idle timeout 1 s', 'idle', { OTEL_INSTRUMENTATION_GENAI_IDLE_TIMEOUT: '1000' }, 3_000);
      expect(inRun).toEqual(expected('idle_timeout'));
      expect(receiver.distinctSpans().duplicates).toBe(0);
      expectExitWithinCap(r);
    });

    test('held until the process ends by itself: ended as "shutdown"', async () => {
      const { r, afterDrain } = await runAbandoned('abandoned calls, held until exit', 'exit');
      expect(afterDrain).toEqual(expected('shutdown'));
      expectExitWithinCap(r);
    });
  });
});
