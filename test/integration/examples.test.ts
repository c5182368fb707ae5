/*
 * The README's main command and the examples, run as a user runs them: `scripts/demo/run-demo.mjs` (what
 * `npm run demo` runs after building), `scripts/demo/calls.mjs` (`npm run calls`) over what the demo saved,
 * and the streaming and ESM examples under
 * `node --import opentelemetry-instrumentation-genai/register`, exporting OTLP/HTTP JSON to a loopback
 * receiver. The mock LLM the examples bundle answers deterministically, so the rows and counts are exact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOtherSignals, spansFromOtlp, startOtlpReceiver } from '../../scripts/demo/otlp-receiver.mjs';

const ROOT = join(__dirname, '..', '..');

function runNode(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // INIT_CWD too: npm sets it to where `npm test` was typed, and the demo shows paths relative to it.
  for (const key of Object.keys(childEnv)) if (key.startsWith('OTEL_') || key.startsWith('OPENAI_') || key === 'NODE_OPTIONS' || key === 'INIT_CWD') delete childEnv[key];
  Object.assign(childEnv, env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const CALLS = 'scripts/demo/calls.mjs';
const DEMO_FILE = '.cache/demo/telemetry.json';

/** The random parts of a run (ids, ports, times) as placeholders, so the rest compares exactly. */
function stable(text: string): string {
  return text
    .replace(/chatcmpl-[A-Za-z0-9]+/g, 'chatcmpl-<id>')
    .replace(/\b[0-9a-f]{32} \/ [0-9a-f]{16}\b/g, '<trace id> / <span id>')
    .replace(/run-[0-9a-f]{8}/g, 'run-<id>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<start>')
    .replace(/\d+\.\d ms/g, '<ms> ms');
}

/** The table's rows (the lines after its header and rule) as cells. */
function tableRows(lines: string[], from: number, count: number): string[][] {
  return lines.slice(from, from + count).map((l) => l.split(/\s{2,}/));
}

// Every column but time and ms, which vary from run to run.
const withoutTimes = (rows: string[][]) => rows.map((r) => [r[0], ...r.slice(2, 5), ...r.slice(6)]);

const ROWS = [
  ['1', 'v1', 'acme', 'gpt-4o-mini-2024-07-18', '303', '45', 'stop', 'I opened the stand mixer I bought last … ⇒ Yes, you can return an opened item within 30 da…'],
  ['2', 'v1', 'acme', 'gpt-4o-mini-2024-07-18', '289', '33', 'tool_call', 'Where is my order #A1234, and can I sti… ⇒ → lookup_order({"order_id":"A1234"})'],
  ['3', 'v1', 'acme', 'gpt-4o-mini-2024-07-18', '362', '27', 'stop', '← tool result {"order_id":"A1234","item… ⇒ Your order #A1234 (Cordless stick vacuum) was d…'],
  ['4', 'v1', 'globex', 'gpt-4o-mini-2024-07-18', '293', '33', 'stop', 'How long does it take for a refund to s… ⇒ Thanks for reaching out! Refunds go back to the…'],
  ['5', 'v1', 'globex', 'gpt-4o-mini-2024-07-18', '268', '37', 'stop', 'My lamp arrived damaged, the shade is c… ⇒ Thanks for reaching out! If an item arrives dam…'],
  // The v2 prompt forgot the opened-items clause: its first answer is the bad one the scenario is about.
  ['6', 'v2', 'acme', 'gpt-4o-mini-2024-07-18', '275', '23', 'stop', 'I opened the stand mixer I bought last … ⇒ Yes! You can return it within 30 days of delive…'],
  ['7', 'v2', 'acme', 'gpt-4o-mini-2024-07-18', '261', '33', 'tool_call', 'Where is my order #A1234, and can I sti… ⇒ → lookup_order({"order_id":"A1234"})'],
  ['8', 'v2', 'acme', 'gpt-4o-mini-2024-07-18', '333', '27', 'stop', '← tool result {"order_id":"A1234","item… ⇒ Your order #A1234 (Cordless stick vacuum) was d…'],
  ['9', 'v2', 'globex', 'gpt-4o-mini-2024-07-18', '264', '33', 'stop', 'How long does it take for a refund to s… ⇒ Thanks for reaching out! Refunds go back to the…'],
  ['10', 'v2', 'globex', 'gpt-4o-mini-2024-07-18', '239', '37', 'stop', 'My lamp arrived damaged, the shade is c… ⇒ Thanks for reaching out! If an item arrives dam…'],
];

// The full record of row 6 with the random parts as placeholders; `retrieved` comes from the retrieval
// span of the same trace, the rest from the chat span.
const ROW_6_RECORD = (content: boolean) =>
  [
    '  span           chat gpt-4o-mini (service support-assistant)',
    '  trace / span   <trace id> / <span id>',
    '  response id    chatcmpl-<id>',
    '  started        <start>',
    '  latency        <ms> ms',
    '  prompt         refund-policy v2',
    '  conversation   conv-run-<id>-r1-v2-q1',
    '  tenant / user  acme / user-17',
    '  model          gpt-4o-mini → gpt-4o-mini-2024-07-18 (openai at 127.0.0.1:<port>), temperature 0',
    '  tokens         275 in, 23 out',
    '  finish         stop',
    ...(content
      ? [
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
          '  in  user       I opened the stand mixer I bought last week and it is not for me. Can I return it for a full refund?',
          '  out assistant  Yes! You can return it within 30 days of delivery for a full refund, no questions asked.',
        ]
      : ['  retrieved      refund-policies (top 2): documents not recorded (content capture off)', '  messages       not recorded (content capture off)']),
  ].join('\n');

/** The demo's output from the line after the table: counts, the record of row 6, where the data is saved. */
function demoTail(content: boolean, saved: string[]): string {
  return [
    `10 model calls logged (the app made 10: v1 5, v2 5), 28 spans in all, 12 metric data points, ${content ? 10 : 0} events.`,
    '',
    "Row 6 in full: the v2 answer to the opened-item question (v2's prompt lost v1's restocking-fee clause):",
    '',
    ROW_6_RECORD(content),
    ...(content
      ? [
          '',
          "Row 1, v1's answer to the same question: Yes, you can return an opened item within 30 days of delivery, but a 15% restocking fee is deducted from the refund. Unopened items in their original packaging get a full refund.",
        ]
      : []),
    '',
    ...saved,
  ].join('\n');
}

/** A loopback port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('npm run demo (scripts/demo/run-demo.mjs) and npm run calls (scripts/demo/calls.mjs)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'genai-demo-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('prints one numbered row per model call, v1 then v2, the counts and the wrong v2 call in full, and saves the telemetry for npm run calls', async () => {
    const { code, stdout, stderr } = await runNode(['scripts/demo/run-demo.mjs']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^support-assistant → local OTLP receiver http:\/\/127\.0\.0\.1:\d+; content capture SPAN_AND_EVENT \(set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=NO_CONTENT to turn it off\)$/);
    expect(lines[1]).toBe('');
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['#', 'time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish', 'question / answer']);
    const rows = tableRows(lines, 4, 10);
    expect(withoutTimes(rows)).toEqual(ROWS);
    for (const r of rows) expect([r[1], r[5]]).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), expect.stringMatching(/^\d+\.\d$/)]);
    expect(lines[14]).toBe('');
    expect(stable(lines.slice(15).join('\n'))).toBe(
      demoTail(true, [
        `All the telemetry received (OTLP JSON: spans, metrics, events) is saved in ${DEMO_FILE} (the next run replaces it).`,
        'The table again:   npm run calls',
        'Any call in full:  npm run calls -- --show <row or response id>',
      ]),
    );

    // `npm run calls` reads that file: the same table, and row 6 as the demo printed it.
    const table = await runNode([CALLS]);
    expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
    const tableLines = table.stdout.trimEnd().split('\n');
    expect(tableLines[0]!.split(/\s{2,}/)).toEqual(lines[2]!.split(/\s{2,}/));
    expect(withoutTimes(tableRows(tableLines, 2, 10))).toEqual(ROWS);
    expect(tableLines.slice(12)).toEqual(['', `10 model calls (${DEMO_FILE}). One in full: add --show <row or response id>.`]);
    const show = await runNode([CALLS, '--show', '6']);
    expect({ code: show.code, stderr: show.stderr }).toEqual({ code: 0, stderr: '' });
    expect(stable(show.stdout)).toBe(`Row 6 of 10 (${DEMO_FILE}):\n\n${ROW_6_RECORD(true)}\n`);
  });

  test('--out <file>: npm run calls -- --file reads it back exactly: one call by response id, calls by tag, and one-line errors', async () => {
    const file = join(work, 'run.json');
    const demo = await runNode(['scripts/demo/run-demo.mjs', '--out', file]);
    expect({ code: demo.code, stderr: demo.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = demo.stdout.trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual([
      `All the telemetry received (OTLP JSON: spans, metrics, events) is saved in ${file}.`,
      `The table again:   npm run calls -- --file ${file}`,
      `Any call in full:  npm run calls -- --file ${file} --show <row or response id>`,
    ]);
    // What was saved is the OTLP JSON the receiver got: every span, metric point and event.
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(spansFromOtlp(saved.resourceSpans)).toHaveLength(28);
    expect(countOtherSignals(saved)).toEqual({ metricPoints: 12, events: 10 });

    // The record the demo printed, found again by its response id: the same text, byte for byte.
    const first = lines.indexOf("Row 6 in full: the v2 answer to the opened-item question (v2's prompt lost v1's restocking-fee clause):") + 2;
    const record = lines.slice(first, lines.findIndex((l) => l.startsWith("Row 1, v1's answer")) - 1).join('\n');
    const responseId = /^ {2}response id {4}(chatcmpl-\w+)$/m.exec(record)![1]!;
    const show = await runNode([CALLS, '--file', file, '--show', responseId]);
    expect(show).toEqual({ code: 0, stdout: `Row 6 of 10 (${file}):\n\n${record}\n`, stderr: '' });

    // --tag keeps the calls whose span has the attribute: the v2 rows, numbered anew, times and all.
    const v2 = await runNode([CALLS, '--file', file, '--tag', 'gen_ai.prompt.version=v2']);
    expect({ code: v2.code, stderr: v2.stderr }).toEqual({ code: 0, stderr: '' });
    const v2Lines = v2.stdout.trimEnd().split('\n');
    expect(tableRows(v2Lines, 2, 5)).toEqual(tableRows(lines, 9, 5).map((r, i) => [String(i + 1), ...r.slice(1)]));
    expect(v2Lines.slice(7)).toEqual(['', `5 model calls (${file}, gen_ai.prompt.version=v2). One in full: add --show <row or response id>.`]);

    expect(await runNode([CALLS, '--file', file, '--show', '11'])).toEqual({ code: 1, stdout: '', stderr: 'calls: no row 11: the table has rows 1-10\n' });
    const missing = join(work, 'missing.json');
    expect(await runNode([CALLS, '--file', missing])).toEqual({ code: 1, stdout: '', stderr: `calls: ${missing} does not exist\n` });
  });

  test('with content capture off the table has no previews and the record says what was not recorded', async () => {
    const file = join(work, 'no-content.json');
    const { code, stdout, stderr } = await runNode(['scripts/demo/run-demo.mjs', '--out', file], { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'NO_CONTENT' });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['#', 'time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish']);
    expect(withoutTimes(tableRows(lines, 4, 10))).toEqual(ROWS.map((r) => r.slice(0, 7)));
    expect(stdout).not.toContain('stand mixer');
    expect(stable(lines.slice(15).join('\n'))).toBe(
      demoTail(false, [
        `All the telemetry received (OTLP JSON: spans, metrics, events) is saved in ${file}.`,
        `The table again:   npm run calls -- --file ${file}`,
        `Any call in full:  npm run calls -- --file ${file} --show <row or response id>`,
      ]),
    );
  });

  describe('OPENAI_API_KEY set: the app calls the OpenAI API (OPENAI_BASE_URL), and the demo says so', () => {
    // The bundled mock, run on its own as the "API" the key points at (its port tells who answered).
    let api: { url: string; port: number; stop(): void };
    beforeAll(async () => {
      const child = spawn(process.execPath, ['examples/mock-llm/server.mjs'], { cwd: ROOT, env: { ...process.env, MOCK_LLM_PORT: '0' } });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          const m = /Mock LLM listening: (\S+)/.exec(d.toString());
          if (m) resolve(m[1]!);
        });
        child.once('exit', (c) => reject(new Error(`the mock LLM exited with ${c}`)));
      });
      api = { url, port: Number(new URL(url).port), stop: () => child.kill() };
    });
    afterAll(() => api.stop());

    const apiLine = (baseURL: string) =>
      `OPENAI_API_KEY is set: the app calls the OpenAI API at ${baseURL} (model gpt-4o-mini), not the bundled mock; \`npm run demo -- --mock\` uses the mock.`;

    test('it goes to OPENAI_BASE_URL, not the bundled mock; --mock uses the mock', async () => {
      const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: api.url };
      const real = await runNode(['scripts/demo/run-demo.mjs', '--out', join(work, 'api.json')], env);
      expect({ code: real.code, stderr: real.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = real.stdout.split('\n');
      expect(lines.slice(1, 3)).toEqual([apiLine(api.url), '']);
      expect(real.stdout).toContain(`(openai at 127.0.0.1:${api.port}), temperature 0`);

      const mock = await runNode(['scripts/demo/run-demo.mjs', '--mock', '--out', join(work, 'mock.json')], env);
      expect({ code: mock.code, stderr: mock.stderr }).toEqual({ code: 0, stderr: '' });
      expect(mock.stdout.split('\n')[1]).toBe('');
      expect(mock.stdout).not.toContain('OPENAI_API_KEY');
      expect(mock.stdout).toMatch(/\(openai at 127\.0\.0\.1:\d+\), temperature 0/);
      expect(mock.stdout).not.toContain(`127.0.0.1:${api.port}`);
    });

    test('an API that cannot be reached fails in one line, no stack trace', async () => {
      const port = await closedPort();
      const baseURL = `http://127.0.0.1:${port}/v1`;
      const { code, stdout, stderr } = await runNode(['scripts/demo/run-demo.mjs', '--out', join(work, 'unreachable.json')], { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL });
      expect(code).toBe(1);
      expect(stdout.split('\n').slice(1)).toEqual([apiLine(baseURL), '', '']);
      expect(stderr).toBe(
        `demo failed: cannot reach the OpenAI API at ${baseURL} (connect ECONNREFUSED 127.0.0.1:${port}); \`npm run demo -- --mock\` uses the bundled mock instead of the API\n`,
      );
    });

    test('an API that refuses the call fails in one line with its answer', async () => {
      const baseURL = api.url.replace(/\/v1$/, '/nope');
      const { code, stderr } = await runNode(['scripts/demo/run-demo.mjs', '--out', join(work, 'refused.json')], { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL });
      expect({ code, stderr }).toEqual({
        code: 1,
        stderr: `demo failed: the OpenAI API at ${baseURL} answered 404: Unknown request URL: POST /nope/chat/completions. Please check the URL.; \`npm run demo -- --mock\` uses the bundled mock instead of the API\n`,
      });
    });
  });
});

describe('examples under the register hook', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  // A spool per test: what another run of the same example left in its service's spool is not sent here.
  let spoolDir: string;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    spoolDir = mkdtempSync(join(tmpdir(), 'genai-examples-spool-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  const hookEnv = () => ({
    OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: spoolDir,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_ONLY',
  });

  test('esm-register/app.mjs: one chat span with the answer it printed', async () => {
    const { code, stdout, stderr } = await runNode(['--import', 'opentelemetry-instrumentation-genai/register', 'examples/esm-register/app.mjs'], hookEnv());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const spans = spansFromOtlp(receiver.received.resourceSpans);
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    const output = JSON.parse(spans[0]!.attributes['gen_ai.output.messages'] as string);
    expect(output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: stdout.trim() }], finish_reason: 'stop' }]);
  });

  test('vercel-ai/app.mjs: the tool loop is invoke_agent over two chat spans and execute_tool', async () => {
    const { code, stdout, stderr } = await runNode(['--import', 'opentelemetry-instrumentation-genai/register', 'examples/vercel-ai/app.mjs'], hookEnv());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const spans = spansFromOtlp(receiver.received.resourceSpans).sort((a, b) => a.startMs - b.startMs);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool lookup_order', 'invoke_agent support-agent']);
    const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(chats.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_call'], ['stop']]);
    const output = JSON.parse(chats[1]!.attributes['gen_ai.output.messages'] as string);
    expect(output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: stdout.trim() }], finish_reason: 'stop' }]);
  });

  test('langchain/app.mjs: invoke_workflow over the retrieval and the answer chain, the openai chat span under it', async () => {
    const { code, stdout, stderr } = await runNode(['--import', 'opentelemetry-instrumentation-genai/register', 'examples/langchain/app.mjs'], hookEnv());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim()).toBe('Thanks for reaching out! Refunds go back to the original payment method within 5 to 7 business days.');
    type Raw = { name: string; spanId: string; parentSpanId?: string; startTimeUnixNano: string };
    const raw = (receiver.received.resourceSpans as Array<{ scopeSpans?: Array<{ scope?: { name: string }; spans?: Raw[] }> }>).flatMap((rs) =>
      (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({ ...s, scope: ss.scope?.name }))),
    );
    const byId = new Map(raw.map((s) => [s.spanId, s]));
    const tree = raw
      .sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)))
      .map((s) => [s.name, s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined, s.scope]);
    expect(tree).toEqual([
      ['invoke_workflow support-answer', undefined, 'opentelemetry-instrumentation-genai/langchain'],
      ['retrieval policies', 'invoke_workflow support-answer', 'opentelemetry-instrumentation-genai/langchain'],
      ['invoke_workflow answer', 'invoke_workflow support-answer', 'opentelemetry-instrumentation-genai/langchain'],
      ['chat gpt-4o-mini', 'invoke_workflow answer', 'opentelemetry-instrumentation-genai/openai'],
    ]);
    const spans = Object.fromEntries(spansFromOtlp(receiver.received.resourceSpans).map((s) => [s.name, s]));
    expect(spans['retrieval policies']!.attributes['gen_ai.retrieval.documents']).toBe(JSON.stringify([{ id: 'refunds-3' }]));
    const output = JSON.parse(spans['chat gpt-4o-mini']!.attributes['gen_ai.output.messages'] as string);
    expect(output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: stdout.trim() }], finish_reason: 'stop' }]);
  });

  test.each<[string, Record<string, string>]>([
    ['ends by itself', {}],
    ['calls process.exit(0) right after its last call', { IN_CODE_EXIT: '1' }],
  ])('in-code/: a short-lived app that %s exports every call (the README snippet as written)', async (_, extra) => {
    const { code, stdout, stderr } = await runNode(['--import', './examples/in-code/instrumentation.mjs', 'examples/in-code/app.mjs'], { ...hookEnv(), ...extra });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    // process.exit() leaves no time to send: what the app made is in the spool, sent by the next start.
    if (extra.IN_CODE_EXIT) {
      const next = await runNode(['--import', './examples/in-code/instrumentation.mjs', '-e', ''], hookEnv());
      expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: '' });
    }
    const ids = spansFromOtlp(receiver.received.resourceSpans).map((s) => s.attributes['gen_ai.response.id']);
    expect(ids.sort()).toEqual(stdout.trim().split('\n').sort());
    expect(ids).toHaveLength(3);
  });

  test('streaming-chat/main.mjs: the full stream with usage, and the stream stopped early ends once with finish reason error', async () => {
    const { code, stderr } = await runNode(['--import', 'opentelemetry-instrumentation-genai/register', 'examples/streaming-chat/main.mjs'], hookEnv());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const spans = spansFromOtlp(receiver.received.resourceSpans).sort((a, b) => a.startMs - b.startMs);
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
    const [full, stopped] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(full.attributes).toMatchObject({ 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.prompt.name': 'streaming-demo', 'gen_ai.conversation.id': 'streaming-chat-demo' });
    expect(typeof full.attributes['gen_ai.usage.output_tokens']).toBe('number');
    expect(typeof full.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(stopped.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(stopped.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });
});
