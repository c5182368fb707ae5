/*
 * The README's main command and the examples, run as a user runs them: `scripts/demo/run-demo.mjs` (what
 * `npm run demo` runs after building) and the streaming and ESM examples under
 * `node --import opentelemetry-instrumentation-genai/register`, exporting OTLP/HTTP JSON to a loopback
 * receiver. The mock LLM the examples bundle answers deterministically, so the rows and counts are exact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spansFromOtlp, startOtlpReceiver } from '../../scripts/demo/otlp-receiver.mjs';

const ROOT = join(__dirname, '..', '..');

function runNode(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('OTEL_') || key.startsWith('OPENAI_') || key === 'NODE_OPTIONS') delete childEnv[key];
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

describe('npm run demo (scripts/demo/run-demo.mjs)', () => {
  test('prints one row per model call, v1 then v2, with content previews, and the counts', async () => {
    const { code, stdout, stderr } = await runNode(['scripts/demo/run-demo.mjs']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^support-assistant → local OTLP receiver http:\/\/127\.0\.0\.1:\d+; content capture SPAN_AND_EVENT/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish', 'question / answer']);
    const rows = lines.slice(4, 14).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => [r[1], r[2], r[3], r[5], r[6], r[7]])).toEqual([
      ['v1', 'acme', 'gpt-4o-mini-2024-07-18', '303', '45', 'stop'],
      ['v1', 'acme', 'gpt-4o-mini-2024-07-18', '289', '33', 'tool_call'],
      ['v1', 'acme', 'gpt-4o-mini-2024-07-18', '362', '27', 'stop'],
      ['v1', 'globex', 'gpt-4o-mini-2024-07-18', '293', '33', 'stop'],
      ['v1', 'globex', 'gpt-4o-mini-2024-07-18', '268', '37', 'stop'],
      ['v2', 'acme', 'gpt-4o-mini-2024-07-18', '275', '23', 'stop'],
      ['v2', 'acme', 'gpt-4o-mini-2024-07-18', '261', '33', 'tool_call'],
      ['v2', 'acme', 'gpt-4o-mini-2024-07-18', '333', '27', 'stop'],
      ['v2', 'globex', 'gpt-4o-mini-2024-07-18', '264', '33', 'stop'],
      ['v2', 'globex', 'gpt-4o-mini-2024-07-18', '239', '37', 'stop'],
    ]);
    // The v2 prompt forgot the opened-items clause: its first answer is the bad one the scenario is about.
    expect(rows[0]![8]).toMatch(/^I opened the stand mixer I bought last … ⇒ Yes, you can return an opened item within 30 da…$/);
    expect(rows[5]![8]).toMatch(/^I opened the stand mixer I bought last … ⇒ Yes! You can return it within 30 days of delive…$/);
    expect(lines[15]).toBe('10 model calls logged (the app made 10: v1 5, v2 5), 28 spans in all, 12 metric data points, 10 events.');
  });

  test('with content capture off the table has no previews and nothing but counts', async () => {
    const { code, stdout } = await runNode(['scripts/demo/run-demo.mjs'], { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'NO_CONTENT' });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish']);
    expect(stdout).not.toContain('stand mixer');
    expect(lines[15]).toBe('10 model calls logged (the app made 10: v1 5, v2 5), 28 spans in all, 12 metric data points, 0 events.');
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
