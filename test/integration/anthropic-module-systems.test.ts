/*
 * The module hooks for @anthropic-ai/sdk, end to end: a CommonJS app (require-in-the-middle) and an ES
 * module app (import-in-the-middle via `node --import`) run as child processes with the real OpenTelemetry
 * SDK (a global tracer provider, so the SDK's own tracing is on), load the real `@anthropic-ai/sdk` and this
 * package's BUILT AnthropicInstrumentation (see test/apps/anthropic-common.cjs), and call the loopback
 * Anthropic mock. Each app also runs once without registering: no spans of ours, and then the SDK's own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useAnthropicMockServer } from '../helpers/anthropic-testbed';
import { message, streamEvents, textBlock, usage } from '../fixtures/anthropic';
import { json, sse } from '../mock-servers/anthropic-server';

const ROOT = join(__dirname, '..', '..');
const APPS = join(ROOT, 'test', 'apps');
const RESULT_MARKER = 'GENAI_APP_RESULT ';
const CHILD_TIMEOUT_MS = 20_000;
const OUR_SCOPE = 'opentelemetry-instrumentation-genai/anthropic';
const SDK_SCOPE = 'com.anthropic.sdk.typescript';

interface AppSpan {
  name: string;
  kind: number;
  scope: string;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
}
interface AppResult {
  app: 'cjs' | 'esm';
  registered: boolean;
  instrumentationSource: 'package' | 'dist';
  sdkEntry: string;
  createWrapped: boolean;
  betaCreateWrapped: boolean;
  cjsCreateWrapped?: boolean;
  esmAndCjsDistinct?: boolean;
  calls: { text: string; streamed: string; helperText: string };
  spans: AppSpan[];
  metrics: Array<{ name: string; scope: string; points: number }>;
  logs: Array<{ eventName?: string }>;
}

function runApp(args: string[], env: Record<string, string>): Promise<AppResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  delete childEnv.NODE_OPTIONS;
  delete childEnv.ANTHROPIC_BASE_URL;
  delete childEnv.ANTHROPIC_OPEN_TELEMETRY;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: APPS, env: childEnv, timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (error || !line) {
        reject(new Error(`app ${args.join(' ')} failed (${error ? error.message : 'no result line'})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as AppResult);
    });
  });
}

function newerThan(dir: string, since: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...newerThan(path, since));
    else if (statSync(path).mtimeMs > since) out.push(path.slice(ROOT.length + 1));
  }
  return out;
}

const CJS_APP = [join(APPS, 'anthropic-cjs-app.cjs')];
const ESM_APP = ['--import', join(APPS, 'anthropic-esm-preload.mjs'), join(APPS, 'anthropic-esm-app.mjs')];

describe('module systems: the require hook and the ESM loader hook patch the real @anthropic-ai/sdk', () => {
  beforeAll(() => {
    const built = join(ROOT, 'dist', 'cjs', 'providers', 'anthropic', 'instrumentation.js');
    const missing = [built, join(ROOT, 'dist', 'esm', 'index.js')].filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`anthropic module-systems tests load the BUILT package, but ${missing.join(' and ')} is missing: run \`npm run build\` first (\`npm test\` does).`);
    }
    const stale = newerThan(join(ROOT, 'src', 'providers', 'anthropic'), statSync(built).mtimeMs);
    if (stale.length > 0) console.warn(`anthropic module-systems: dist/ is older than ${stale.slice(0, 3).join(', ')}; run \`npm run build\`.`);
  });
  const server = useAnthropicMockServer();

  async function run(args: string[], register: boolean): Promise<AppResult> {
    const before = server.requests.length;
    server.enqueue(
      json(message({ id: 'msg_app_1', content: [textBlock('hi there')], usage: usage(7, 2) })),
      sse(streamEvents(message({ id: 'msg_app_2', content: [textBlock('streamed')], usage: usage(4, 3) }))),
      sse(streamEvents(message({ id: 'msg_app_3', content: [textBlock('helper')], usage: usage(5, 1) }))),
    );
    const result = await runApp(args, { ANTHROPIC_BASE_URL_FOR_TEST: server.baseURL, GENAI_APP_REGISTER: register ? '1' : '0' });
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages', 'POST /v1/messages', 'POST /v1/messages']);
    expect(result.calls).toEqual({ text: 'hi there', streamed: 'streamed', helperText: 'helper' });
    return result;
  }

  function expectChatSpans(result: AppResult): void {
    // One span per call, ours: the SDK's own tracing (on: a global provider is registered) is suppressed.
    expect(result.spans.map((s) => [s.scope, s.name])).toEqual([
      [OUR_SCOPE, 'chat claude-opus-5'],
      [OUR_SCOPE, 'chat claude-opus-5'],
      [OUR_SCOPE, 'chat claude-opus-5'],
    ]);
    const [plain, streamed, helper] = result.spans as [AppSpan, AppSpan, AppSpan];
    for (const span of result.spans) {
      expect(span.kind).toBe(2); // SpanKind.CLIENT
      expect(span.status.code).toBe(0);
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-opus-5',
        'gen_ai.request.max_tokens': 64,
        'gen_ai.response.model': 'claude-opus-5-20261015',
        'gen_ai.response.finish_reasons': ['stop'],
        'server.address': '127.0.0.1',
        'server.port': server.port,
      });
    }
    expect(plain.attributes).toMatchObject({ 'gen_ai.response.id': 'msg_app_1', 'gen_ai.request.temperature': 0.5, 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 2 });
    expect(plain.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(streamed.attributes).toMatchObject({ 'gen_ai.response.id': 'msg_app_2', 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': 4, 'gen_ai.usage.output_tokens': 3 });
    expect(typeof streamed.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(helper.attributes).toMatchObject({ 'gen_ai.response.id': 'msg_app_3', 'gen_ai.request.stream': true });
    expect(JSON.parse(plain.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]);
    expect(JSON.parse(helper.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'helper' }], finish_reason: 'stop' },
    ]);
    expect(result.logs).toEqual([]);
    const metric = (name: string) => result.metrics.find((m) => m.name === name && m.scope === OUR_SCOPE);
    expect(metric('gen_ai.client.operation.duration')?.points).toBe(1);
    expect(metric('gen_ai.client.token.usage')?.points).toBe(2);
    expect(metric('gen_ai.client.operation.time_to_first_chunk')?.points).toBe(1);
  }

  it('CommonJS: registerInstrumentations before require("@anthropic-ai/sdk") patches it (require-in-the-middle)', async () => {
    const result = await run(CJS_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]@anthropic-ai[\\/]sdk[\\/]index\.js$/);
    expect(result.createWrapped).toBe(true);
    expect(result.betaCreateWrapped).toBe(true);
    expectChatSpans(result);
  });

  it("CommonJS negative control: without registering, no spans of ours; the SDK's own spans appear instead", async () => {
    const result = await run(CJS_APP, false);
    expect(result.createWrapped).toBe(false);
    expect(result.spans.filter((s) => s.scope === OUR_SCOPE)).toEqual([]);
    expect(result.spans.map((s) => [s.scope, s.name])).toEqual([
      [SDK_SCOPE, 'anthropic.messages.create'],
      [SDK_SCOPE, 'anthropic.messages.create'],
      [SDK_SCOPE, 'anthropic.messages.create'],
    ]);
    expect(result.metrics.filter((m) => m.name.startsWith('gen_ai.'))).toEqual([]);
  });

  it('ESM: `node --import` preload with the import-in-the-middle hook patches `import Anthropic from "@anthropic-ai/sdk"`', async () => {
    const result = await run(ESM_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]@anthropic-ai[\\/]sdk[\\/]index\.mjs$/);
    expect(result.esmAndCjsDistinct).toBe(true);
    expect(result.createWrapped).toBe(true);
    expect(result.betaCreateWrapped).toBe(true);
    expect(result.cjsCreateWrapped).toBe(true);
    expectChatSpans(result);
  });

  it('ESM negative control: without the hook and registration, no spans of ours', async () => {
    const result = await run(ESM_APP, false);
    expect(result.createWrapped).toBe(false);
    expect(result.spans.filter((s) => s.scope === OUR_SCOPE)).toEqual([]);
    expect(result.metrics.filter((m) => m.name.startsWith('gen_ai.'))).toEqual([]);
  });
});
