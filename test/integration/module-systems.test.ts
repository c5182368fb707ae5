/*
 * The module hooks, end to end (see test/helpers/child-app.ts): a CommonJS app (require-in-the-middle)
 * and an ES module app (import-in-the-middle via `node --import`) with the real OpenTelemetry SDK load the
 * real `openai` package and this package's BUILT entry points (dist/cjs for require, dist/esm for import),
 * and call the loopback mock server. Each app also runs once without registering: no spans.
 */
import { join } from 'node:path';
import { MockOpenAIServer, json, sse } from '../mock-servers/openai-server';
import { useMockServer } from '../helpers/testbed';
import { ROOT, appMetricPoints, childApps, genAIMetrics, runApp, useBuiltPackage, type AppResult, type AppSpan } from '../helpers/child-app';

interface OpenAIAppResult extends AppResult {
  packageEntry: string;
  openaiEntry: string;
  createWrapped: boolean;
  cjsCreateWrapped?: boolean;
  sameInstrumentationClass?: boolean;
  sameFactory?: boolean;
  esmAndCjsOpenAIDistinct?: boolean;
  calls: { chatText: string; streamedText: string };
}

const { cjs: CJS_APP, esm: ESM_APP } = childApps('openai');
const SCOPE = 'opentelemetry-instrumentation-genai/openai';

describe('module systems: the require hook and the ESM loader hook patch the real openai module', () => {
  useBuiltPackage();
  const server = useMockServer(new MockOpenAIServer());

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

  async function run(args: string[], register: boolean, env: Record<string, string> = {}): Promise<OpenAIAppResult> {
    const before = server.requests.length;
    enqueueCalls();
    const result = await runApp<OpenAIAppResult>(args, { register, env: { ...env, OPENAI_BASE_URL_FOR_TEST: server.baseURL }, clearedEnv: ['OPENAI_BASE_URL'] });
    // The calls really reached the mock, instrumented or not.
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
    ]);
    expect(result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed' });
    return result;
  }

  function expectChatSpans(result: OpenAIAppResult): void {
    expect(result.spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
    const [plain, streamed] = result.spans as [AppSpan, AppSpan];
    for (const span of [plain, streamed]) {
      expect(span.kind).toBe(2); // SpanKind.CLIENT
      expect(span.scope).toBe(SCOPE);
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
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.duration')).toBe(1);
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.token.usage')).toBe(2);
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
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
    expect(genAIMetrics(result)).toEqual([]);
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
    expect(genAIMetrics(result)).toEqual([]);
  });
});
