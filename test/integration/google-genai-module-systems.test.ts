/*
 * The module hooks for @google/genai, end to end (see test/helpers/child-app.ts): the SDK ships one
 * bundle per module system (exports["."].node.require → dist/node/index.cjs, .import → dist/node/index.mjs),
 * each with its own `Models` class. A CommonJS app (require-in-the-middle) and an ES module app
 * (import-in-the-middle via `node --import`) with the real OpenTelemetry SDK and this package's BUILT code
 * call the loopback Gemini mock server. Negative controls: no spans.
 */
import { appMetricPoints, childApps, runApp, useBuiltPackage, type AppResult, type AppSpan } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { MockGeminiServer, json, sse } from '../mock-servers/gemini-server';
import { RESPONSE_MODEL, textChunks, textResponse, usageMetadata } from '../fixtures/gemini';

const SCOPE = 'opentelemetry-instrumentation-genai/google-genai';

interface GeminiAppResult extends AppResult {
  sdkEntry: string;
  methodWrapped: boolean;
  cjsMethodWrapped?: boolean;
  esmAndCjsModelsDistinct?: boolean;
  calls: { text: string; streamedText: string; dimensions: number };
}

const { cjs: CJS_APP, esm: ESM_APP } = childApps('google-genai');

describe('module systems: the require hook and the ESM loader hook patch the real @google/genai bundles', () => {
  useBuiltPackage();
  const server = useMockServer(new MockGeminiServer());

  async function run(args: string[], register: boolean, env: Record<string, string> = {}): Promise<GeminiAppResult> {
    server.enqueue(
      json(textResponse('hi there', { responseId: 'resp-app-1', usage: usageMetadata(7, 2) })),
      sse(textChunks(['str', 'eamed'], { responseId: 'resp-app-2', usage: usageMetadata(4, 3) })),
      json({ embeddings: [{ values: [0.1, 0.2, 0.3] }] }),
    );
    const result = await runApp<GeminiAppResult>(args, {
      register,
      env: { ...env, GEMINI_BASE_URL_FOR_TEST: server.baseUrl },
      clearedEnv: ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GEMINI_BASE_URL'],
    });
    // The calls really reached the mock, instrumented or not.
    expect(server.requests.map((r) => `${r.model}:${r.action}`)).toEqual([
      'gemini-2.5-flash:generateContent',
      'gemini-2.5-flash:streamGenerateContent',
      'text-embedding-004:batchEmbedContents',
    ]);
    expect(result.calls).toEqual({ text: 'hi there', streamedText: 'streamed', dimensions: 3 });
    return result;
  }

  function expectSpans(result: GeminiAppResult): void {
    expect(result.spans.map((s) => s.name)).toEqual(['generate_content gemini-2.5-flash', 'generate_content gemini-2.5-flash', 'embeddings text-embedding-004']);
    const [plain, streamed, embedded] = result.spans as [AppSpan, AppSpan, AppSpan];
    for (const span of result.spans) {
      expect(span.kind).toBe(2); // SpanKind.CLIENT
      expect(span.scope).toBe(SCOPE);
      expect(span.status.code).toBe(0);
      expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.gemini', 'server.address': '127.0.0.1', 'server.port': server.port });
    }
    expect(plain.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.id': 'resp-app-1',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(JSON.parse(plain.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]);
    expect(streamed.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.response.id': 'resp-app-2', 'gen_ai.usage.input_tokens': 4 });
    expect(typeof streamed.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'streamed' }], finish_reason: 'stop' },
    ]);
    expect(embedded.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.embeddings.dimension.count': 3 });
    expect(result.logs).toEqual([]);
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.duration')).toBe(2); // generate_content and embeddings
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
  }

  it('CommonJS: registerInstrumentations before require("@google/genai") patches dist/node/index.cjs', async () => {
    const result = await run(CJS_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]@google[\\/]genai[\\/]dist[\\/]node[\\/]index\.cjs$/);
    expect(result.methodWrapped).toBe(true);
    expectSpans(result);
  });

  it('CommonJS negative control: without registering, no spans', async () => {
    const result = await run(CJS_APP, false);
    expect(result.methodWrapped).toBe(false);
    expect(result.spans).toEqual([]);
  });

  it('ESM: the import-in-the-middle hook patches `import { GoogleGenAI } from "@google/genai"` (dist/node/index.mjs); the CJS bundle is patched too', async () => {
    const result = await run(ESM_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]@google[\\/]genai[\\/]dist[\\/]node[\\/]index\.mjs$/);
    expect(result.esmAndCjsModelsDistinct).toBe(true);
    expect(result.methodWrapped).toBe(true);
    expect(result.cjsMethodWrapped).toBe(true);
    expectSpans(result);
  });

  it('ESM control: the instrumentation registered but no loader hook leaves the ESM bundle unpatched', async () => {
    const result = await run(ESM_APP, true, { GENAI_APP_ESM_HOOK: '0' });
    expect(result.methodWrapped).toBe(false);
    expect(result.spans).toEqual([]);
    expect(result.cjsMethodWrapped).toBe(true);
  });

  it('ESM negative control: without hook and registration, no spans', async () => {
    const result = await run(ESM_APP, false);
    expect(result.methodWrapped).toBe(false);
    expect(result.cjsMethodWrapped).toBe(false);
    expect(result.spans).toEqual([]);
  });
});
