/*
 * The zero-code start, end to end: real apps that know nothing about telemetry, started as child
 * processes with `node --import opentelemetry-instrumentation-genai/register` (ESM) or `node -r ...`
 * (CommonJS), configured only by OTEL_* variables, exporting OTLP/HTTP JSON to a loopback receiver in
 * this process. The apps end long before the batch span processor's 5 s delay and the metric reader's
 * 60 s interval, so anything received at all was flushed by the hook at exit.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockOpenAIServer, json } from '../mock-servers/openai-server';
import { useMockServer } from '../helpers/testbed';
import { spansFromOtlp, startOtlpReceiver, type ReceivedOtlp } from '../../scripts/demo/otlp-receiver.mjs';

const ROOT = join(__dirname, '..', '..');
const ESM_APP = ['--import', 'opentelemetry-instrumentation-genai/register', 'test/apps/register-app.mjs'];
const CJS_APP = ['-r', 'opentelemetry-instrumentation-genai/register', 'test/apps/register-app.cjs'];
const JOINED_NOTICE = 'a tracer provider is already registered; added the GenAI instrumentations to it instead of starting a NodeSDK.';

interface AppRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startApp(args: string[], env: Record<string, string>, onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<AppRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('OTEL_') && !(key in env)) delete childEnv[key];
  delete childEnv.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, (s) => child.kill(s));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const CHAT_REPLY = {
  id: 'chatcmpl-register-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
};

function metricNames(received: ReceivedOtlp): string[] {
  const names = (received.resourceMetrics as Array<{ scopeMetrics?: Array<{ metrics?: Array<{ name: string }> }> }>)
    .flatMap((rm) => rm.scopeMetrics ?? [])
    .flatMap((sm) => sm.metrics ?? [])
    .map((m) => m.name);
  return [...new Set(names)].sort();
}

function eventNames(received: ReceivedOtlp): string[] {
  return (received.resourceLogs as Array<{ scopeLogs?: Array<{ logRecords?: Array<{ eventName?: string }> }> }>)
    .flatMap((rl) => rl.scopeLogs ?? [])
    .flatMap((sl) => sl.logRecords ?? [])
    .map((r) => r.eventName ?? '');
}

function resourceAttributes(received: ReceivedOtlp): Record<string, unknown> {
  const first = received.resourceSpans[0] as { resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> } };
  return Object.fromEntries(first.resource.attributes.map((a) => [a.key, a.value.stringValue]));
}

describe('opentelemetry-instrumentation-genai/register (zero-code start)', () => {
  const server = useMockServer(new MockOpenAIServer());
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  // Each test is a service of its own: its own spool, so nothing one test leaves there is sent by the next.
  let spoolDir: string;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    spoolDir = mkdtempSync(join(tmpdir(), 'genai-register-spool-'));
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  function otlpEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OPENAI_BASE_URL_FOR_TEST: server.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'register-test',
      OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: spoolDir,
      ...extra,
    };
  }

  function expectChatSpan(received: ReceivedOtlp, withContent: boolean): void {
    const spans = spansFromOtlp(received.resourceSpans);
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    const expected: Record<string, unknown> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-register-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'openai.api.type': 'chat_completions',
    };
    if (withContent) {
      expected['gen_ai.input.messages'] = '[{"role":"user","parts":[{"type":"text","content":"Say hi"}]}]';
      expected['gen_ai.output.messages'] = '[{"role":"assistant","parts":[{"type":"text","content":"hi there"}],"finish_reason":"stop"}]';
    }
    expect(spans[0]!.attributes).toEqual(expected);
  }

  test.each([
    ['ESM app, node --import', ESM_APP],
    ['CommonJS app, node -r', CJS_APP],
  ])('%s: spans, metrics and events reach the OTLP endpoint, flushed at a normal exit', async (_label, args) => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(
      args,
      otlpEnv({
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_AND_EVENT',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=support',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-genai-test=yes',
      }),
    );
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\n', stderr: '' });
    expectChatSpan(receiver.received, true);
    expect(resourceAttributes(receiver.received)).toMatchObject({
      'service.name': 'register-test',
      'deployment.environment.name': 'test',
      team: 'support',
    });
    expect(metricNames(receiver.received)).toEqual(['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']);
    expect(eventNames(receiver.received)).toEqual(['gen_ai.client.inference.operation.details']);
    const paths = receiver.received.requests.map((r) => r.url).sort();
    expect(paths).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
    expect(receiver.received.requests.every((r) => r.headers['x-genai-test'] === 'yes')).toBe(true);
  });

  test('content is off by default: no message text leaves the process', async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv());
    expect(run.code).toBe(0);
    expectChatSpan(receiver.received, false);
    expect(eventNames(receiver.received)).toEqual([]);
  });

  test('the standard sampler variable applies: always_off records no span, the app works the same', async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv({ OTEL_TRACES_SAMPLER: 'always_off', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }));
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\n', stderr: '' });
    expect(spansFromOtlp(receiver.received.resourceSpans)).toEqual([]);
  });

  test('OTEL_SDK_DISABLED=true: nothing is started or sent, the app works the same', async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv({ OTEL_SDK_DISABLED: 'true', OTEL_LOG_LEVEL: 'debug' }));
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\n', stderr: '' });
    expect(receiver.received.requests).toEqual([]);
  });

  test('SIGTERM: flushes, then ends the process by the signal as it would have ended without the hook', async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv({ REGISTER_APP_MODE: 'linger' }), (out, kill) => {
      if (out.includes('app: ready')) kill('SIGTERM');
    });
    expect(run).toEqual({ code: null, signal: 'SIGTERM', stdout: 'answer: hi there\napp: ready\n', stderr: '' });
    expectChatSpan(receiver.received, false);
  });

  test('SIGINT: flushes and ends by the signal', async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv({ REGISTER_APP_MODE: 'linger' }), (out, kill) => {
      if (out.includes('app: ready')) kill('SIGINT');
    });
    expect(run.signal).toBe('SIGINT');
    expectChatSpan(receiver.received, false);
  });

  test("an app's own SIGTERM handler keeps control (the process is not killed for it) and data is still flushed", async () => {
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(ESM_APP, otlpEnv({ REGISTER_APP_MODE: 'own-handler' }), (out, kill) => {
      if (out.includes('app: ready') && !out.includes('SIGTERM')) kill('SIGTERM');
    });
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\napp: ready\napp: SIGTERM handled\n', stderr: '' });
    expectChatSpan(receiver.received, false);
  });

  test('a collector that is down: the app is unaffected, nothing printed, the exit wait is bounded', async () => {
    server.enqueue(json(CHAT_REPLY));
    const started = Date.now();
    const run = await startApp(ESM_APP, {
      ...otlpEnv(),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', // discard port: connection refused
      OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT: '1500',
    });
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\n', stderr: '' });
    // Not a timing assertion on our speed: the exporter alone would retry for its 10 s timeout, so an exit
    // well under that shows the cap was applied (a hang would hit the 20 s kill instead).
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  test('an already registered tracer provider is kept: the instrumentations join it, said once through diag', async () => {
    server.enqueue(json(CHAT_REPLY), json(CHAT_REPLY));
    for (const args of [
      ['-r', './test/apps/existing-provider.cjs', ...ESM_APP],
      ['-r', './test/apps/existing-provider.cjs', ...CJS_APP],
    ]) {
      const run = await startApp(args, otlpEnv({ OTEL_LOG_LEVEL: 'info' }));
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('existing provider spans: ["chat gpt-4o-mini"]');
      expect(run.stdout.split(JOINED_NOTICE).length - 1).toBe(1);
    }
    expect(receiver.received.requests.filter((r) => r.url === '/v1/traces')).toEqual([]);
  });

  test('ESM: every supported SDK is patched under the hook (its loader include list), none without it', async () => {
    const env = otlpEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    const hooked = await startApp(['--import', 'opentelemetry-instrumentation-genai/register', 'test/apps/register-sdks.mjs'], env);
    expect(hooked).toEqual({ code: 0, signal: null, stdout: '{"openai":true,"anthropic":true,"googleGenAI":true,"bedrock":true,"groq":true}\n', stderr: '' });
    const plain = await startApp(['test/apps/register-sdks.mjs'], env);
    expect(plain.stdout).toBe('{"openai":false,"anthropic":false,"googleGenAI":false,"bedrock":false,"groq":false}\n');
  });

  test('the hook loaded from two copies of the package (`-r` a copy, `--import` the installed one) starts telemetry once', async () => {
    // Node's module cache already dedupes one file loaded by both flags; a second installed copy of the
    // package (a dependency bringing its own) is a separate module: only the process-wide guard stops it
    // from starting a second SDK and registering the loader hook again (which makes Node print a warning).
    const copy = join(ROOT, 'test', '.tmp', 'genai-package-copy');
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    server.enqueue(json(CHAT_REPLY));
    const run = await startApp(['-r', './test/.tmp/genai-package-copy/dist/cjs/register.js', ...ESM_APP], otlpEnv());
    rmSync(copy, { recursive: true, force: true });
    expect(run).toEqual({ code: 0, signal: null, stdout: 'answer: hi there\n', stderr: '' });
    expectChatSpan(receiver.received, false);
  });
});
