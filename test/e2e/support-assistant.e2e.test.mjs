/*
 * End to end, with nothing simulated between the app and the trace store: the support-assistant example
 * runs under `node --import opentelemetry-instrumentation-genai/register`, exports OTLP to a real
 * OpenTelemetry Collector running the shipped collector-config/audit-archive.yaml (redaction, persistent
 * queue, GenAI archive files), which forwards to a real Jaeger v2 (badger storage on disk). The tests then
 * read Jaeger's query API and the archive files, and compare them with what the app itself saw of every
 * model call (its report: response ids, token usage, finish reasons, wall times, questions and answers).
 * `npm run calls -- --jaeger ...` (scripts/demo/calls.mjs) is run against that Jaeger and that archive too.
 *
 * The backends are built once by `node scripts/backends/build.mjs` (run by `npm run test:e2e`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, jest } from '@jest/globals';
import { buildStep, checkGo } from '../../scripts/backends/build.mjs';
import { COLLECTOR_BIN, JAEGER_BIN, JAEGER_E2E_CONFIG, ROOT } from '../../scripts/backends/paths.mjs';
import { PORTS, startCollector, startJaeger } from '../../scripts/backends/processes.mjs';
import { findSpans, searchTraces, spansOf, waitForSpans } from '../../scripts/backends/jaeger-query.mjs';
import { spansFromOtlp } from '../../scripts/demo/otlp-receiver.mjs';
import { envWithout, runSupportAssistant } from '../../scripts/demo/support-assistant-app.mjs';

const run = promisify(execFile);
const SERVICE = 'support-assistant-e2e';
const COLLECTOR_CONFIG = join(ROOT, 'collector-config/audit-archive.yaml');
const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
const DELIVERY_TIMEOUT_MS = 150_000; // batch + queue + retry backoff (up to 60 s between retries)

const work = mkdtempSync(join(tmpdir(), 'genai-e2e-'));
const paths = {
  jaegerData: join(work, 'jaeger-data'),
  queue: join(work, 'collector-queue'),
  archive: join(work, 'archive'),
  logs: join(work, 'logs'),
};
const collectorEnv = {
  OTLP_BACKEND_ENDPOINT: `http://127.0.0.1:${PORTS.jaegerOtlpHttp}`,
  OTELCOL_STORAGE_DIR: paths.queue,
  OTELCOL_ARCHIVE_DIR: paths.archive,
};
let jaeger;
let collector;
const counts = []; // for the closing line: calls made vs spans found, per run

/** Runs the support-assistant under the register hook; resolves with its report. */
async function runAssistant(runId, env = {}) {
  const { report, output } = await runSupportAssistant({
    reportPath: join(work, `${runId}.json`),
    env: {
      ...envWithout(['OTEL_', 'OPENAI_', 'NODE_OPTIONS']),
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.collectorOtlpHttp}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      SUPPORT_ASSISTANT_RUN_ID: runId,
      ...env,
    },
  });
  expect(output).toBe(''); // quiet app, and the hook prints nothing without OTEL_LOG_LEVEL
  return report;
}

const modelCallsOf = (report, version) =>
  report.questions.filter((q) => !version || q.promptVersion === version).flatMap((q) => q.calls.map((call) => ({ ...call, q })));

function waitForRunChatSpans(runId, expected) {
  return waitForSpans({
    service: SERVICE,
    tags: { 'genai_app.run_id': runId, 'gen_ai.operation.name': 'chat' },
    until: (spans) => spans.length >= expected,
    timeoutMs: DELIVERY_TIMEOUT_MS,
  });
}

function readArchive(file) {
  const path = join(paths.archive, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/**
 * Spans and log records travel in separate batches (app and collector), and the file exporter writes on
 * its own schedule: polls the archive until `select` finds `expected` items, and returns what it found.
 */
async function waitForArchived(file, select, expected) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const found = select(readArchive(file));
    if (found.length >= expected || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const textOf = (message) => message.parts.filter((p) => p.type === 'text').map((p) => p.content).join('');

/** Runs a repo script as a user would (`npm run calls` is `node scripts/demo/calls.mjs`): code and output. */
async function runScript(script, args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { cwd: ROOT, env: envWithout(['OTEL_', 'OPENAI_', 'NODE_OPTIONS']), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

const tableRows = (stdout, count) => stdout.split('\n').slice(2, 2 + count).map((l) => l.split(/\s{2,}/));

beforeAll(async () => {
  for (const bin of [COLLECTOR_BIN, JAEGER_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`node scripts/backends/build.mjs\` first (\`npm run test:e2e\` does).`);
  }
  jaeger = await startJaeger({ dataDir: paths.jaegerData, logDir: paths.logs });
  collector = await startCollector({ config: COLLECTOR_CONFIG, env: collectorEnv, logDir: paths.logs });
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await jaeger?.stop();
  for (const c of counts) console.log(`e2e ${c.what}: ${c.made} model calls made, ${c.found} spans found in Jaeger`);
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('register hook → collector (audit-archive.yaml) → Jaeger', () => {
  test('content on: a tag search for prompt v2 returns exactly the v2 calls, with the attributes, content, tokens and durations the app saw', async () => {
    const report = await runAssistant('e2e-content-on', { [CAPTURE_ENV]: 'SPAN_AND_EVENT' });
    expect(report.llmCalls).toEqual({ total: 10, v1: 5, v2: 5 });
    const all = await waitForRunChatSpans(report.runId, 10);
    counts.push({ what: 'content on', made: report.llmCalls.total, found: all.length });
    expect(all).toHaveLength(10);

    const v2 = await findSpans({ service: SERVICE, tags: { 'gen_ai.prompt.version': 'v2', 'genai_app.run_id': report.runId, 'gen_ai.operation.name': 'chat' } });
    const v2Calls = modelCallsOf(report, 'v2');
    expect(v2.map((s) => s.attributes['gen_ai.response.id']).sort()).toEqual(v2Calls.map((c) => c.responseId).sort());

    for (const call of v2Calls) {
      const span = v2.find((s) => s.attributes['gen_ai.response.id'] === call.responseId);
      expect(span.operationName).toBe('chat gpt-4o-mini');
      expect(span.attributes).toMatchObject({
        'span.kind': 'client',
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0,
        'gen_ai.response.model': call.responseModel,
        'gen_ai.usage.input_tokens': call.inputTokens,
        'gen_ai.usage.output_tokens': call.outputTokens,
        'gen_ai.response.finish_reasons': JSON.stringify([call.finishReason === 'tool_calls' ? 'tool_call' : call.finishReason]),
        'gen_ai.prompt.name': 'refund-policy',
        'gen_ai.prompt.version': 'v2',
        'gen_ai.conversation.id': call.q.conversationId,
        'genai_app.tenant.id': call.q.tenantId,
        'user.id': call.q.userId,
        'server.address': '127.0.0.1',
      });
      // Jaeger stores microseconds; the span lies inside the app's own measurement of the call.
      expect(span.duration).toBeGreaterThan(0);
      expect(span.duration / 1000).toBeLessThanOrEqual(call.wallMs + 1);
      // Content: the question the model saw and the answer it gave, as the conventions' JSON.
      const input = JSON.parse(span.attributes['gen_ai.input.messages']);
      const output = JSON.parse(span.attributes['gen_ai.output.messages']);
      expect(textOf(input.find((m) => m.role === 'user'))).toBe(call.q.question);
      expect(input[0].role).toBe('system');
      if (call.finishReason === 'stop') expect(textOf(output[0])).toBe(call.q.answer);
      else expect(output[0].parts).toEqual([{ type: 'tool_call', id: expect.any(String), name: 'lookup_order', arguments: { order_id: 'A1234' } }]);
    }

    // The stages around the model calls are in Jaeger too, one workflow per question.
    const runSpans = spansOf(await searchTraces({ service: SERVICE, tags: { 'genai_app.run_id': report.runId } }));
    const byOperation = {};
    for (const s of runSpans) byOperation[s.attributes['gen_ai.operation.name']] = (byOperation[s.attributes['gen_ai.operation.name']] ?? 0) + 1;
    expect(byOperation).toEqual({ chat: 10, retrieval: 8, execute_tool: 2, invoke_workflow: 8 });

    // The audit archive has every GenAI span of the run and the details events with the content.
    const archived = await waitForArchived(
      'genai-spans.jsonl',
      (lines) => lines.flatMap((line) => spansFromOtlp(line.resourceSpans)).filter((s) => s.attributes['genai_app.run_id'] === report.runId),
      28,
    );
    expect(archived).toHaveLength(28);
    const responseIds = new Set(modelCallsOf(report).map((c) => c.responseId));
    const runEvents = await waitForArchived(
      'genai-events.jsonl',
      (lines) =>
        lines
          .flatMap((line) => line.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)))
          .filter((e) => e.attributes.some((a) => a.key === 'gen_ai.response.id' && responseIds.has(a.value.stringValue))),
      10,
    );
    expect(runEvents).toHaveLength(10);
    expect(runEvents.every((e) => e.eventName === 'gen_ai.client.inference.operation.details')).toBe(true);
  });

  test('npm run calls -- --jaeger: the v2 calls as a table and one in full, read from Jaeger; the archive file gives the same', async () => {
    const report = await runAssistant('e2e-calls-command', { [CAPTURE_ENV]: 'SPAN_AND_EVENT' });
    await waitForRunChatSpans(report.runId, report.llmCalls.total);
    const jaegerUrl = `http://127.0.0.1:${PORTS.jaegerQuery}`;
    const query = ['--jaeger', jaegerUrl, '--service', SERVICE, '--tag', 'gen_ai.prompt.version=v2', '--tag', `genai_app.run_id=${report.runId}`];
    const source = `Jaeger ${jaegerUrl}, service ${SERVICE}, gen_ai.prompt.version=v2, genai_app.run_id=${report.runId}`;

    const table = await runScript('scripts/demo/calls.mjs', query);
    expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
    const v2Calls = modelCallsOf(report, 'v2');
    const finish = (c) => (c.finishReason === 'tool_calls' ? 'tool_call' : c.finishReason);
    const previews = [
      'I opened the stand mixer I bought last … ⇒ Yes! You can return it within 30 days of delive…',
      'Where is my order #A1234, and can I sti… ⇒ → lookup_order({"order_id":"A1234"})',
      '← tool result {"order_id":"A1234","item… ⇒ Your order #A1234 (Cordless stick vacuum) was d…',
      'How long does it take for a refund to s… ⇒ Thanks for reaching out! Refunds go back to the…',
      'My lamp arrived damaged, the shade is c… ⇒ Thanks for reaching out! If an item arrives dam…',
    ];
    const lines = table.stdout.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['#', 'time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish', 'question / answer']);
    const rows = tableRows(table.stdout, 5);
    // Every column but time and ms is what the app itself saw of each call.
    expect(rows.map((r) => [r[0], ...r.slice(2, 5), ...r.slice(6)])).toEqual(
      v2Calls.map((c, i) => [String(i + 1), 'v2', c.q.tenantId, c.responseModel, String(c.inputTokens), String(c.outputTokens), finish(c), previews[i]]),
    );
    expect(lines.slice(7)).toEqual(['', `5 model calls (${source}). One in full: add --show <row or response id>.`, '']);

    // Row 1 in full: every field from the chat span and the retrieval span of its trace, as Jaeger has them.
    const first = v2Calls[0];
    const [span] = await findSpans({ service: SERVICE, tags: { 'gen_ai.response.id': first.responseId } });
    const show = await runScript('scripts/demo/calls.mjs', [...query, '--show', '1']);
    expect(show).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `Row 1 of 5 (${source}):`,
        '',
        `  span           chat gpt-4o-mini (service ${SERVICE})`,
        `  trace / span   ${span.traceID.padStart(32, '0')} / ${span.spanID}`,
        `  response id    ${first.responseId}`,
        `  started        ${new Date(span.startTime / 1000).toISOString()}`,
        `  latency        ${(span.duration / 1000).toFixed(1)} ms`,
        '  prompt         refund-policy v2',
        `  conversation   ${first.q.conversationId}`,
        `  tenant / user  ${first.q.tenantId} / ${first.q.userId}`,
        `  model          gpt-4o-mini → ${first.responseModel} (openai at 127.0.0.1:${span.attributes['server.port']}), temperature 0`,
        `  tokens         ${first.inputTokens} in, ${first.outputTokens} out`,
        '  finish         stop',
        '  tools offered  lookup_order',
        '  retrieved      refund-policies (top 2): returns-window score 0.4, refund-timing score 0.111',
        '  in  system     You are Nora, the friendly support assistant of Northwind Home! Be warm and upbeat.',
        '                 Help customers with returns and refunds using the policy excerpts below and the lookup_order tool.',
        '                 When the customer mentions an order number, call lookup_order before answering.',
        '                 Answer in two or three sentences. Never promise anything the policy does not say.',
        '',
        '                 Relevant policy excerpts:',
        '                 - [returns-window] Unused items in their original packaging can be returned within 30 days of delivery for a full refund.',
        '                 - [refund-timing] Refunds go back to the original payment method within 5 to 7 business days after the return is received.',
        `  in  user       ${first.q.question}`,
        `  out assistant  ${first.q.answer}`,
        '',
      ].join('\n'),
    });
    expect(await runScript('scripts/demo/calls.mjs', [...query, '--show', first.responseId])).toEqual(show);

    // The collector's archive file (JSON lines of OTLP) holds the same calls: the same table and record,
    // but for the durations (Jaeger keeps microseconds, the file nanoseconds).
    const archive = join(paths.archive, 'genai-spans.jsonl');
    const fromArchive = ['--file', archive, '--tag', 'gen_ai.prompt.version=v2', '--tag', `genai_app.run_id=${report.runId}`];
    let archived;
    for (let i = 0; i < 50; i++) {
      archived = await runScript('scripts/demo/calls.mjs', fromArchive);
      if (archived.stdout.includes('5 model calls')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const withoutMs = (rs) => rs.map((r) => [...r.slice(0, 5), ...r.slice(6)]);
    expect(withoutMs(tableRows(archived.stdout, 5))).toEqual(withoutMs(rows));
    const archivedShow = await runScript('scripts/demo/calls.mjs', [...fromArchive, '--show', '1']);
    const recordLines = (out) => out.split('\n').slice(2).filter((l) => !l.startsWith('  latency '));
    expect(recordLines(archivedShow.stdout)).toEqual(recordLines(show.stdout));
  });

  test('content off (the default): no message text reaches Jaeger or the archive files', async () => {
    const report = await runAssistant('e2e-content-off');
    const chat = await waitForRunChatSpans(report.runId, report.llmCalls.total);
    counts.push({ what: 'content off', made: report.llmCalls.total, found: chat.length });
    expect(chat).toHaveLength(10);
    // Wait until the archive has the run as well (same batch, separate exporter).
    const archivedRun = () => readFileSync(join(paths.archive, 'genai-spans.jsonl'), 'utf8').split('\n').filter((l) => l.includes(report.runId));
    for (let i = 0; i < 50 && archivedRun().length === 0; i++) await new Promise((r) => setTimeout(r, 200));

    // The archive's event file holds the content-on run's events; none may belong to this run.
    const responseIds = modelCallsOf(report).map((c) => c.responseId);
    const runEventLines = readFileSync(join(paths.archive, 'genai-events.jsonl'), 'utf8').split('\n').filter((l) => responseIds.some((id) => l.includes(id)));
    expect(runEventLines).toEqual([]);

    const stored = [JSON.stringify(await searchTraces({ service: SERVICE, tags: { 'genai_app.run_id': report.runId } })), ...archivedRun()].join('\n');
    expect(stored).toContain(report.runId);
    const secrets = [...new Set(report.questions.flatMap((q) => [q.question, q.answer]))];
    for (const text of [...secrets, 'Cordless stick vacuum', 'restocking', 'gen_ai.input.messages', 'gen_ai.output.messages']) {
      expect(stored.includes(text) ? text : 'absent').toBe('absent');
    }
  });

  test('outage: Jaeger stops while the app runs and the collector restarts meanwhile; every call still arrives', async () => {
    const appRun = runAssistant('e2e-outage', { SUPPORT_ASSISTANT_ROUNDS: '4', SUPPORT_ASSISTANT_PAUSE_MS: '1500' });
    const firstSeen = await waitForRunChatSpans('e2e-outage', 1); // the first round is getting through
    await jaeger.stop(); // backend outage while the app is running
    const report = await appRun; // rounds 2-4 (at least) were exported while Jaeger was down
    await collector.stop(); // the collector restarts during the outage: only the persistent queue keeps the data
    collector = await startCollector({ config: COLLECTOR_CONFIG, env: collectorEnv, logDir: paths.logs });
    jaeger = await startJaeger({ dataDir: paths.jaegerData, logDir: paths.logs });

    const spans = await waitForRunChatSpans(report.runId, report.llmCalls.total);
    counts.push({ what: 'outage', made: report.llmCalls.total, found: spans.length });
    expect(report.llmCalls.total).toBe(40);
    expect(spans).toHaveLength(40);
    expect(new Set(spans.map((s) => s.attributes['gen_ai.response.id'])).size).toBe(40);
    // What Jaeger had stored before it stopped survived its restart (badger on disk).
    const ids = new Set(spans.map((s) => s.spanID));
    expect(firstSeen.every((s) => ids.has(s.spanID))).toBe(true);
  });
});

describe('the shipped collector configs and the tooling around the backends', () => {
  test.each(readdirSync(join(ROOT, 'collector-config')).filter((f) => f.endsWith('.yaml')))('otelcol validate collector-config/%s', async (file) => {
    const env = { ...process.env, HONEYCOMB_API_KEY: 'validate-only' };
    await expect(run(COLLECTOR_BIN, ['validate', `--config=${join(ROOT, 'collector-config', file)}`], { env })).resolves.toBeDefined();
  });

  test('jaeger validate test/e2e/backends/jaeger-e2e.yaml', async () => {
    await expect(run(JAEGER_BIN, ['validate', '--config', JAEGER_E2E_CONFIG], { env: { ...process.env, JAEGER_DATA_DIR: paths.jaegerData } })).resolves.toBeDefined();
  });

  test('a port already in use gives a clear error at once, not a hang', async () => {
    await expect(startJaeger({ dataDir: join(work, 'unused'), logDir: paths.logs })).rejects.toThrow(
      `port 127.0.0.1:${PORTS.jaegerQuery} (jaeger query HTTP) is already in use`,
    );
  });

  test('npm run demo:jaeger checks its ports before any backend build: one line at once when one is taken', async () => {
    // This suite's Jaeger holds the demo's ports. A check after ensureBackends would print "[backends] ..." first.
    expect(await runScript('scripts/demo/run-demo.mjs', ['--jaeger', '--exit'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `demo failed: port 127.0.0.1:${PORTS.jaegerQuery} (Jaeger query HTTP) is already in use; stop what listens there (e.g. \`ss -ltnp | grep ${PORTS.jaegerQuery}\`) and retry\n`,
    });
  });

  test('a backend build step shows progress while it runs (what, elapsed time, packages compiled); a failed one says what failed', async () => {
    // A tiny module with a cache of its own: go compiles the runtime and fmt, a few seconds of `go build -v`.
    const dir = join(work, 'tiny-go');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.invalid/tiny\n\ngo 1.26\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
    const env = { ...process.env, GOCACHE: join(work, 'tiny-gocache'), GOFLAGS: '', CGO_ENABLED: '0' };
    const lines = [];
    const args = ['build', '-v', '-o', join(dir, 'tiny'), '.'];
    const seconds = await buildStep({ what: 'tiny', cmd: 'go', args, cwd: dir, env, log: (m) => lines.push(m), everyMs: 250 });
    expect(typeof seconds).toBe('number');
    expect(existsSync(join(dir, 'tiny'))).toBe(true);
    expect(lines[0]).toBe(`tiny: started (go ${args.join(' ')})`);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line).toMatch(/^tiny: still building, \d+ s(, \d+ packages compiled)?( \(latest: \S.*\))?$/);
    expect(lines.some((l) => / \d+ packages compiled \(latest: /.test(l))).toBe(true);

    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { fmt.Println( }\n');
    await expect(buildStep({ what: 'tiny', cmd: 'go', args, cwd: dir, env, log: () => {} })).rejects.toThrow(
      new RegExp(`^tiny failed \\(go ${args.join(' ').replace(/[.]/g, '\\.')} exited with 1\\):\\n(.*\\n)*\\./main\\.go:3:\\d+: syntax error`),
    );
  });

  test('no Go on PATH gives a clear error', async () => {
    await expect(checkGo({ PATH: join(work, 'no-such-dir') })).rejects.toThrow(
      'Go 1.26 or later is needed to build the e2e backends (OpenTelemetry Collector, Jaeger), but `go` was not found on PATH.',
    );
  });
});
