/*
 * The module hooks for groq-sdk, end to end, under the zero-code start: a CommonJS app under
 * `node -r opentelemetry-instrumentation-genai/register` (require-in-the-middle) and an ES module app under
 * `node --import opentelemetry-instrumentation-genai/register` (import-in-the-middle, whose include list
 * comes from the instrumentations' module definitions) load the real groq-sdk and this package's BUILT
 * entry points, call the loopback mock, and export OTLP/HTTP JSON to a receiver in this process. Each app
 * also runs without the flag: nothing patched, nothing exported.
 */
import { join } from 'node:path';
import { ROOT, runApp, useAppReceiver, useBuiltPackage, type AppResult } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { groqChatCompletion, groqEmbeddings, groqTextStream, groqUsage } from '../fixtures/groq';
import { MockOpenAIServer, json, sse } from '../mock-servers/openai-server';
import { spansFromOtlp, type ReceivedOtlp } from '../../scripts/demo/otlp-receiver.mjs';

const APPS = join(ROOT, 'test', 'apps');
const REGISTER = 'opentelemetry-instrumentation-genai/register';
const CJS_APP = join(APPS, 'groq-cjs-app.cjs');
const ESM_APP = join(APPS, 'groq-esm-app.mjs');

interface GroqAppResult extends AppResult {
  sdkEntry: string;
  esmAndCjsDistinct?: boolean;
  chatWrapped: boolean;
  embeddingsWrapped: boolean;
  calls: { text: string; streamed: string; dimensions: number };
}

function metricNames(received: ReceivedOtlp): string[] {
  const names = (received.resourceMetrics as Array<{ scopeMetrics?: Array<{ metrics?: Array<{ name: string }> }> }>)
    .flatMap((rm) => rm.scopeMetrics ?? [])
    .flatMap((sm) => sm.metrics ?? [])
    .map((m) => m.name);
  return [...new Set(names)].filter((n) => n.startsWith('gen_ai.')).sort();
}

describe('module systems: `-r` and `--import` of the register hook patch the real groq-sdk', () => {
  useBuiltPackage();
  const server = useMockServer(new MockOpenAIServer());
  const app = useAppReceiver('genai-groq-spool-');

  async function run(args: string[]): Promise<GroqAppResult> {
    server.enqueue(
      json(groqChatCompletion({ id: 'chatcmpl-app-1', message: { role: 'assistant', content: 'hi there' }, usage: groqUsage(7, 2) })),
      sse(groqTextStream(['stre', 'amed'], { id: 'chatcmpl-app-2', usage: groqUsage(4, 3) })),
      json(groqEmbeddings([[0.5, 0.25, 0.125]], 2)),
    );
    const env = {
      GROQ_BASE_URL_FOR_TEST: server.origin,
      OTEL_EXPORTER_OTLP_ENDPOINT: app.receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'groq-module-systems',
      OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: app.scratchDir,
    };
    // Only this test's OTEL_* variables reach the app.
    const outerOtel = Object.keys(process.env).filter((k) => k.startsWith('OTEL_') && !(k in env));
    const result = await runApp<GroqAppResult>(args, { register: true, env, clearedEnv: ['GROQ_BASE_URL', 'GROQ_API_KEY', ...outerOtel] });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /openai/v1/chat/completions',
      'POST /openai/v1/chat/completions',
      'POST /openai/v1/embeddings',
    ]);
    expect(result.calls).toEqual({ text: 'hi there', streamed: 'streamed', dimensions: 3 });
    return result;
  }

  function expectGroqSpans(): void {
    const spans = spansFromOtlp(app.receiver.received.resourceSpans).sort((a, b) => a.startMs - b.startMs);
    const common = { 'gen_ai.provider.name': 'groq', 'server.address': '127.0.0.1', 'server.port': server.port };
    expect(spans.map((s) => s.name)).toEqual(['chat llama-3.3-70b-versatile', 'chat llama-3.3-70b-versatile', 'embeddings nomic-embed-text-v1_5']);
    const [plain, streamed, embeddings] = spans;
    expect(plain!.attributes).toEqual({
      ...common,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3.3-70b-versatile',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.id': 'chatcmpl-app-1',
      'gen_ai.response.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
    });
    const ttfc = streamed!.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttfc).toBe('number');
    expect(streamed!.attributes).toEqual({
      ...common,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3.3-70b-versatile',
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-app-2',
      'gen_ai.response.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.time_to_first_chunk': ttfc,
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(embeddings!.attributes).toEqual({
      ...common,
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'nomic-embed-text-v1_5',
      'gen_ai.response.model': 'nomic-embed-text-v1_5',
      'gen_ai.embeddings.dimension.count': 3,
      'gen_ai.usage.input_tokens': 2,
    });
    expect(metricNames(app.receiver.received)).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_per_output_chunk',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
    ]);
  }

  it('CommonJS: `node -r .../register` patches require("groq-sdk") and its calls reach the OTLP endpoint', async () => {
    const result = await run(['-r', REGISTER, CJS_APP]);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]groq-sdk[\\/]index\.js$/);
    expect({ chat: result.chatWrapped, embeddings: result.embeddingsWrapped }).toEqual({ chat: true, embeddings: true });
    expectGroqSpans();
  });

  it('CommonJS negative control: without `-r`, nothing is patched and nothing exported', async () => {
    const result = await run([CJS_APP]);
    expect({ chat: result.chatWrapped, embeddings: result.embeddingsWrapped }).toEqual({ chat: false, embeddings: false });
    expect(app.receiver.received.requests).toEqual([]);
  });

  it('ESM: `node --import .../register` patches `import Groq from "groq-sdk"` (the .mjs build) and its calls reach the OTLP endpoint', async () => {
    const result = await run(['--import', REGISTER, ESM_APP]);
    expect(result.sdkEntry).toMatch(/[\\/]node_modules[\\/]groq-sdk[\\/]index\.mjs$/);
    expect(result.esmAndCjsDistinct).toBe(true);
    expect({ chat: result.chatWrapped, embeddings: result.embeddingsWrapped }).toEqual({ chat: true, embeddings: true });
    expectGroqSpans();
  });

  it('ESM negative control: without `--import`, nothing is patched and nothing exported', async () => {
    const result = await run([ESM_APP]);
    expect({ chat: result.chatWrapped, embeddings: result.embeddingsWrapped }).toEqual({ chat: false, embeddings: false });
    expect(app.receiver.received.requests).toEqual([]);
  });
});
