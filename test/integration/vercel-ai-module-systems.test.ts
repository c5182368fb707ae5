/*
 * The Vercel AI SDK (`ai` 7) under the zero-code start, end to end: the apps load the real `ai` and
 * `@ai-sdk/openai` and this package's BUILT register hook, call the loopback mock, and export OTLP/HTTP
 * JSON to a receiver in this process.
 *   - an ES module app (`--import .../register`), a CommonJS app (`-r .../register`, require() of the ES
 *     module `ai`);
 *   - a Next.js-style bundle: the ES module app bundled by esbuild with every package inlined, so no
 *     module hook ever sees `ai` load: recorded through the AI SDK's `ai:telemetry` channel alone.
 * Each records the same tree: invoke_agent over the tool loop's chat and execute_tool spans, then the
 * streamed chat span.
 */
import { join } from 'node:path';
import { ROOT, runApp, useAppReceiver, useBuiltPackage, type AppResult } from '../helpers/child-app';
import { cachedPackage } from '../helpers/cache-install';
import { useMockServer } from '../helpers/testbed';
import { chatCompletion, textChoice, textStream, toolCallChoice, usage } from '../fixtures/chat';
import { MockOpenAIServer, json, sse } from '../mock-servers/openai-server';

const APPS = join(ROOT, 'test', 'apps');
const REGISTER = 'opentelemetry-instrumentation-genai/register';
const ESM_APP = join(APPS, 'vercel-ai-esm-app.mjs');
const CJS_APP = join(APPS, 'vercel-ai-cjs-app.cjs');

interface VercelAppResult extends AppResult {
  calls: { loop: string; steps: number; streamed: string };
}

interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

/** [name, parent name] of every span received, in start order. */
function receivedTree(resourceSpans: unknown[]): Array<[string, string | undefined]> {
  const spans = (resourceSpans as Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depth = (s: OtlpSpan): number => (s.parentSpanId && byId.get(s.parentSpanId) ? 1 + depth(byId.get(s.parentSpanId)!) : 0);
  return spans
    .sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)) || depth(a) - depth(b))
    .map((s) => [s.name, s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined]);
}

const EXPECTED_TREE = [
  ['invoke_agent', undefined],
  ['chat gpt-4o-mini', 'invoke_agent'],
  ['execute_tool weather', 'invoke_agent'],
  ['chat gpt-4o-mini', 'invoke_agent'],
  ['chat gpt-4o-mini', undefined],
];

describe('Vercel AI SDK apps under the register hook', () => {
  useBuiltPackage();
  const server = useMockServer(new MockOpenAIServer());
  const app = useAppReceiver('genai-vercel-ai-');

  async function run(args: string[], register = true): Promise<VercelAppResult> {
    server.enqueue(
      json(chatCompletion({ id: 'chatcmpl-a0', choices: [toolCallChoice([{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }])], usage: usage(20, 8) })),
      json(chatCompletion({ id: 'chatcmpl-a1', choices: [textChoice('21°C in Paris.')], usage: usage(40, 9) })),
      sse(textStream(['Hi', '!'], { id: 'chatcmpl-a2' })),
    );
    const env = {
      OPENAI_BASE_URL_FOR_TEST: server.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: app.receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'vercel-ai-module-systems',
      OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: join(app.scratchDir, 'spool'),
      GENAI_APP_KIND: args.some((a) => a.endsWith('bundle.mjs')) ? 'bundle' : 'esm',
    };
    const outerOtel = Object.keys(process.env).filter((k) => k.startsWith('OTEL_') && !(k in env));
    const result = await runApp<VercelAppResult>(args, { register, env, clearedEnv: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', ...outerOtel] });
    expect(result.calls).toEqual({ loop: '21°C in Paris.', steps: 2, streamed: 'Hi!' });
    return result;
  }

  it('ESM: `node --import .../register` records the tool loop and the stream', async () => {
    await run(["--import", REGISTER, ESM_APP]);
    expect(receivedTree(app.receiver.received.resourceSpans)).toEqual(EXPECTED_TREE);
  });

  it('CommonJS: `node -r .../register` with require("ai") records the same', async () => {
    await run(['-r', REGISTER, CJS_APP]);
    expect(receivedTree(app.receiver.received.resourceSpans)).toEqual(EXPECTED_TREE);
  });

  it('negative control: without the hook nothing is exported', async () => {
    await run([ESM_APP]);
    expect(app.receiver.received.requests).toEqual([]);
  });

  it('an esbuild bundle with `ai` inlined (as Next.js builds it) is recorded from the ai:telemetry channel alone', async () => {
    const esbuild = require(cachedPackage('esbuild', 'esbuild@0.28.2'));
    const bundle = join(app.scratchDir, 'bundle.mjs');
    await esbuild.build({
      entryPoints: [ESM_APP],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile: bundle,
      logLevel: 'silent',
      // Node built-ins stay imports; everything from node_modules is inlined.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const source = require('node:fs').readFileSync(bundle, 'utf8') as string;
    expect(source).toContain('ai:telemetry');
    expect(source).not.toMatch(/from ["']ai["']/);
    await run(['-r', REGISTER, bundle]);
    expect(receivedTree(app.receiver.received.resourceSpans)).toEqual(EXPECTED_TREE);
  });
});
