/*
 * The module hooks, end to end: a CommonJS app (require-in-the-middle) and an ES module app
 * (import-in-the-middle via `node --import`) run as child processes with the real OpenTelemetry SDK, load
 * the real `openai` package and this package's BUILT entry points (by package name, through the
 * package.json "exports" self-reference: dist/cjs for require, dist/esm for import), and call the loopback
 * mock server. Jest's own module registry never lets the require hook see `openai`, so this is the only
 * place the hooks themselves are exercised. Each app also runs once without registering: no spans.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { json, sse } from '../mock-servers/openai-server';
import { useMockServer } from '../helpers/openai-testbed';

const ROOT = join(__dirname, '..', '..');
const APPS = join(ROOT, 'test', 'apps');
const RESULT_MARKER = 'GENAI_APP_RESULT ';
const CHILD_TIMEOUT_MS = 20_000;

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
  packageEntry: string;
  openaiEntry: string;
  createWrapped: boolean;
  cjsCreateWrapped?: boolean;
  sameInstrumentationClass?: boolean;
  sameFactory?: boolean;
  esmAndCjsOpenAIDistinct?: boolean;
  calls: { chatText: string; streamedText: string };
  spans: AppSpan[];
  metrics: Array<{ name: string; scope: string; points: number }>;
  logs: Array<{ eventName?: string }>;
}

function runApp(args: string[], env: Record<string, string>): Promise<AppResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Nothing from the outer environment may change what the apps record.
  delete childEnv.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  delete childEnv.NODE_OPTIONS;
  delete childEnv.OPENAI_BASE_URL;
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the mock server lives in this process and must keep serving.
    execFile(
      process.execPath,
      args,
      { cwd: APPS, env: childEnv, timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
        if (error || !line) {
          reject(
            new Error(
              `app ${args.join(' ')} failed (${error ? error.message : 'no result line'})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
          return;
        }
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as AppResult);
      },
    );
  });
}

/** Source files modified after `since` (ms), relative to the repo root. */
function newerThan(dir: string, since: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...newerThan(path, since));
    else if (statSync(path).mtimeMs > since) out.push(path.slice(ROOT.length + 1));
  }
  return out;
}

const CJS_APP = [join(APPS, 'cjs-app.cjs')];
const ESM_APP = ['--import', join(APPS, 'esm-preload.mjs'), join(APPS, 'esm-app.mjs')];

describe('module systems: the require hook and the ESM loader hook patch the real openai module', () => {
  beforeAll(() => {
    const missing = ['dist/cjs/index.js', 'dist/esm/index.js'].filter((f) => !existsSync(join(ROOT, f)));
    if (missing.length > 0) {
      throw new Error(
        `module-systems tests load the BUILT package, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: ` +
          'run `npm run build` first (`npm test` does).',
      );
    }
    const stale = newerThan(join(ROOT, 'src'), statSync(join(ROOT, 'dist', 'cjs', 'index.js')).mtimeMs);
    if (stale.length > 0) {
      console.warn(`module-systems: dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}; these tests run the built package, so run \`npm run build\` (\`npm test\` does).`);
    }
  });
  const server = useMockServer();

  function enqueueCalls(): void {
    server.enqueue(
      json({
        id: 'chatcmpl-app-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
      }),
      sse([
        { id: 'chatcmpl-app-2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta: { role: 'assistant', content: 'str' }, finish_reason: null }] },
        { id: 'chatcmpl-app-2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta: { content: 'eamed' }, finish_reason: 'stop' }] },
        { id: 'chatcmpl-app-2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [], usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } },
      ]),
    );
  }

  async function run(args: string[], register: boolean, env: Record<string, string> = {}): Promise<AppResult> {
    const before = server.requests.length;
    enqueueCalls();
    const result = await runApp(args, {
      ...env,
      OPENAI_BASE_URL_FOR_TEST: server.baseURL,
      GENAI_APP_REGISTER: register ? '1' : '0',
    });
    // The calls really reached the mock, instrumented or not.
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
    ]);
    expect(result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed' });
    return result;
  }

  function expectChatSpans(result: AppResult): void {
    expect(result.spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
    const [plain, streamed] = result.spans as [AppSpan, AppSpan];
    for (const span of [plain, streamed]) {
      expect(span.kind).toBe(2); // SpanKind.CLIENT
      expect(span.scope).toBe('opentelemetry-instrumentation-genai/openai');
      expect(span.status.code).toBe(0); // UNSET
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'openai.api.type': 'chat_completions',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.finish_reasons': ['stop'],
        'server.address': '127.0.0.1',
        'server.port': server.port,
      });
    }
    expect(plain.attributes).toMatchObject({
      'gen_ai.response.id': 'chatcmpl-app-1',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(plain.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(streamed.attributes).toMatchObject({
      'gen_ai.response.id': 'chatcmpl-app-2',
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(typeof streamed.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    // captureMessageContent: 'SPAN_ONLY' reached the instrumentation through getGenAIInstrumentations.
    expect(JSON.parse(plain.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
    ]);
    expect(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string)).toEqual([
      expect.objectContaining({ role: 'assistant', parts: [{ type: 'text', content: 'streamed' }], finish_reason: 'stop' }),
    ]);
    // SPAN_ONLY: no details events; metrics went to the MeterProvider passed to registerInstrumentations.
    expect(result.logs).toEqual([]);
    const metric = (name: string) => result.metrics.find((m) => m.name === name && m.scope === 'opentelemetry-instrumentation-genai/openai');
    expect(metric('gen_ai.client.operation.duration')?.points).toBe(1);
    expect(metric('gen_ai.client.token.usage')?.points).toBe(2);
    expect(metric('gen_ai.client.operation.time_to_first_chunk')?.points).toBe(1);
  }

  it('CommonJS: registerInstrumentations before require("openai") patches it (require-in-the-middle)', async () => {
    const result = await run(CJS_APP, true);
    expect(result.packageEntry).toBe(join(ROOT, 'dist', 'cjs', 'index.js'));
    expect(result.openaiEntry).toMatch(/[\\/]node_modules[\\/]openai[\\/]index\.js$/);
    expect(result.createWrapped).toBe(true);
    expectChatSpans(result);
  });

  it('CommonJS negative control: without registering, the same app records no spans', async () => {
    const result = await run(CJS_APP, false);
    expect(result.createWrapped).toBe(false);
    expect(result.spans).toEqual([]);
    expect(result.metrics.filter((m) => m.name.startsWith('gen_ai.'))).toEqual([]);
  });

  it('ESM: `node --import` preload with the import-in-the-middle hook patches `import OpenAI from "openai"`', async () => {
    const result = await run(ESM_APP, true);
    expect(result.packageEntry).toBe(join(ROOT, 'dist', 'esm', 'index.js'));
    expect(result.openaiEntry).toMatch(/[\\/]node_modules[\\/]openai[\\/]index\.mjs$/);
    // The ESM build of openai has its own classes; the ESM hook patched them.
    expect(result.esmAndCjsOpenAIDistinct).toBe(true);
    expect(result.createWrapped).toBe(true);
    // The CJS twin, required later in the same process, is patched by the require hook.
    expect(result.cjsCreateWrapped).toBe(true);
    expectChatSpans(result);
  });

  it('ESM: the ESM entry and a CJS require of the package give the same classes (dist/esm re-exports dist/cjs)', async () => {
    const result = await run(ESM_APP, true);
    expect(result.sameInstrumentationClass).toBe(true);
    expect(result.sameFactory).toBe(true);
  });

  it('ESM control: instrumentations registered but no loader hook leaves the ESM build of openai unpatched', async () => {
    const result = await run(ESM_APP, true, { GENAI_APP_ESM_HOOK: '0' });
    expect(result.createWrapped).toBe(false);
    expect(result.spans).toEqual([]);
    // The require hook still patched the CommonJS build, which the app did not call.
    expect(result.cjsCreateWrapped).toBe(true);
  });

  it('ESM negative control: without the hook and registration, the same app records no spans', async () => {
    const result = await run(ESM_APP, false);
    expect(result.createWrapped).toBe(false);
    expect(result.spans).toEqual([]);
    expect(result.metrics.filter((m) => m.name.startsWith('gen_ai.'))).toEqual([]);
  });
});
