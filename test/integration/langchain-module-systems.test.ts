/*
 * LangChain.js under the zero-code start, end to end: a CommonJS app (`node -r .../register`,
 * require-in-the-middle patches @langchain/core's .cjs files) and an ES module app (`node --import
 * .../register`, import-in-the-middle, whose include list comes from the instrumentations' module
 * definitions: @langchain/core's files are loaded by relative imports inside the package, so the list
 * names them, not just the package) run prompt | ChatOpenAI | parser against the loopback mock with this
 * package's BUILT entry points, and export OTLP/HTTP JSON to a receiver in this process. Each app also runs
 * without the flag: nothing patched, nothing exported.
 */
import { join } from 'node:path';
import { ROOT, runApp, useAppReceiver, useBuiltPackage, type AppResult } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { chatCompletion, textChoice, usage } from '../fixtures/chat';
import { MockOpenAIServer, json } from '../mock-servers/openai-server';
import { anyValue } from '../../scripts/demo/otlp-receiver.mjs';

const APPS = join(ROOT, 'test', 'apps');
const REGISTER = 'opentelemetry-instrumentation-genai/register';
const CJS_APP = join(APPS, 'langchain-cjs-app.cjs');
const ESM_APP = join(APPS, 'langchain-esm-app.mjs');

interface LangChainAppResult extends AppResult {
  coreEntry: string;
  esmAndCjsDistinct?: boolean;
  configureWrapped: boolean;
  calls: { text: string };
}

interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  scope: string;
  attributes: Record<string, unknown>;
}

function receivedSpans(resourceSpans: unknown[]): OtlpSpan[] {
  type Raw = Omit<OtlpSpan, 'scope' | 'attributes'> & { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
  return (resourceSpans as Array<{ scopeSpans?: Array<{ scope?: { name: string }; spans?: Raw[] }> }>)
    .flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({ ...s, scope: ss.scope?.name ?? '', attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, anyValue(a.value)])) }))))
    .sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
}

describe('LangChain.js apps under the register hook (real @langchain/core, @langchain/openai, openai)', () => {
  useBuiltPackage();
  const server = useMockServer(new MockOpenAIServer());
  const app = useAppReceiver('genai-langchain-spool-');

  async function run(args: string[]): Promise<LangChainAppResult> {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-lc-app', choices: [textChoice('Bonjour')], usage: usage(11, 3) })));
    const env = {
      OPENAI_BASE_URL_FOR_TEST: server.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: app.receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'langchain-module-systems',
      OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: app.scratchDir,
    };
    const outerOtel = Object.keys(process.env).filter((k) => k.startsWith('OTEL_') && !(k in env));
    const result = await runApp<LangChainAppResult>(args, {
      register: true,
      env,
      clearedEnv: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'LANGSMITH_TRACING', 'LANGCHAIN_TRACING_V2', ...outerOtel],
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions']);
    expect(result.calls).toEqual({ text: 'Bonjour' });
    return result;
  }

  /** invoke_workflow RunnableSequence (the langchain scope) with exactly one chat span under it (the openai scope). */
  function expectChainSpans(): void {
    const spans = receivedSpans(app.receiver.received.resourceSpans);
    expect(spans.map((s) => [s.name, s.scope])).toEqual([
      ['invoke_workflow RunnableSequence', 'opentelemetry-instrumentation-genai/langchain'],
      ['chat gpt-4o-mini', 'opentelemetry-instrumentation-genai/openai'],
    ]);
    const [workflow, chat] = spans;
    expect(workflow!.parentSpanId ?? '').toBe('');
    expect(chat!.parentSpanId).toBe(workflow!.spanId);
    expect(workflow!.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'RunnableSequence' });
    expect(chat!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.id': 'chatcmpl-lc-app',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'openai.api.type': 'chat_completions',
      'server.address': '127.0.0.1',
      'server.port': server.port,
    });
  }

  it('CommonJS: `node -r .../register` patches require("@langchain/core/...") and the chain reaches the OTLP endpoint', async () => {
    const result = await run(['-r', REGISTER, CJS_APP]);
    expect(result.coreEntry).toMatch(/[\\/]node_modules[\\/]@langchain[\\/]core[\\/]dist[\\/]callbacks[\\/]manager\.cjs$/);
    expect(result.configureWrapped).toBe(true);
    expectChainSpans();
  });

  it('CommonJS negative control: without `-r`, nothing is patched and nothing exported', async () => {
    const result = await run([CJS_APP]);
    expect(result.configureWrapped).toBe(false);
    expect(app.receiver.received.requests).toEqual([]);
  });

  it('ESM: `node --import .../register` patches @langchain/core\'s ES module files and the chain reaches the OTLP endpoint', async () => {
    const result = await run(['--import', REGISTER, ESM_APP]);
    expect(result.coreEntry).toMatch(/[\\/]node_modules[\\/]@langchain[\\/]core[\\/]dist[\\/]callbacks[\\/]manager\.js$/);
    expect(result.esmAndCjsDistinct).toBe(true);
    expect(result.configureWrapped).toBe(true);
    expectChainSpans();
  });

  it('ESM negative control: without `--import`, nothing is patched and nothing exported', async () => {
    const result = await run([ESM_APP]);
    expect(result.configureWrapped).toBe(false);
    expect(app.receiver.received.requests).toEqual([]);
  });
});
