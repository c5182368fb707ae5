/*
 * The Vercel AI SDK under the zero-code start, end to end, in `ai` 7 (its `ai:telemetry` channel) and in
 * `ai` 6 and 5 (wrapped exports and agent classes): the apps load the real `ai` and `@ai-sdk/openai` and
 * this package's BUILT register hook, call the loopback mock, and export OTLP/HTTP JSON to a receiver in
 * this process.
 *   - an ES module app (`--import .../register`), a CommonJS app (`-r .../register`; require() of the ES
 *     module `ai` 7, the read-only CommonJS exports of `ai` 5 and 6);
 *   - `ai` 7 only: a Next.js-style bundle, the ES module app bundled by esbuild with every package inlined,
 *     so no module hook ever sees `ai` load: recorded through the AI SDK's `ai:telemetry` channel alone
 *     (all but generateObject, which publishes nothing there).
 * Every major runs the same calls (test/apps/vercel-ai-calls.mjs) and records the same spans, compared
 * whole (names, kinds, parents, every attribute): `ai` 5 and 6's wrapping gives what `ai` 7's channel
 * gives. `ai` 7 is the repo's devDependency; 6 and 5 are installed into .cache/test-packages, with the
 * app files copied next to them so that `ai` resolves to that copy.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, runApp, useAppReceiver, useBuiltPackage, type AppResult } from '../helpers/child-app';
import { cachedPackage } from '../helpers/cache-install';
import { useMockServer } from '../helpers/testbed';
import { RESPONSE_MODEL, chatCompletion, textChoice, textStream, toolCallChoice, usage } from '../fixtures/chat';
import { MockOpenAIServer, json, sse } from '../mock-servers/openai-server';

const APPS = join(ROOT, 'test', 'apps');
const REGISTER = 'opentelemetry-instrumentation-genai/register';
const APP_FILES = ['vercel-ai-esm-app.mjs', 'vercel-ai-cjs-app.cjs', 'vercel-ai-calls.mjs', 'app-result.cjs'];
const MODEL = 'gpt-4o-mini';
const INTERNAL = 1;
const CLIENT = 3;

/** The copies of `ai` under test: the repo's 7, and the latest 6 and 5 with the @ai-sdk/openai of their major. */
const MAJORS = [
  { major: 7, packages: undefined },
  { major: 6, packages: ['ai@6.0.333', '@ai-sdk/openai@3.0.141', 'zod@4.6.7'] },
  { major: 5, packages: ['ai@5.0.285', '@ai-sdk/openai@2.0.140', 'zod@4.6.7'] },
] as const;

interface VercelAppResult extends AppResult {
  aiVersion?: string;
  exportsKind: [string, boolean];
  calls: { loop: string; steps: number; streamed: string; object: unknown; agent: string };
}

interface OtlpSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}
type OtlpValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: OtlpValue[] } };

function plain(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

interface SpanShape {
  name: string;
  kind: number;
  parent: string | undefined;
  attributes: Record<string, unknown>;
}

/**
 * Every span received, in start order (spans started in the same clock tick: an ancestor first, else the
 * one that ended first), with its parent's name; the time to first chunk, which varies, as `true`.
 */
function receivedShape(resourceSpans: unknown[]): SpanShape[] {
  const spans = (resourceSpans as Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const isAncestor = (a: OtlpSpan, b: OtlpSpan): boolean => {
    const parent = b.parentSpanId ? byId.get(b.parentSpanId) : undefined;
    return parent !== undefined && (parent === a || isAncestor(a, parent));
  };
  const order = (a: OtlpSpan, b: OtlpSpan) =>
    Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)) ||
    (isAncestor(a, b) ? -1 : isAncestor(b, a) ? 1 : Number(BigInt(a.endTimeUnixNano) - BigInt(b.endTimeUnixNano)));
  return spans.sort(order).map((s) => {
    const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, plain(a.value)]));
    if (typeof attributes['gen_ai.response.time_to_first_chunk'] === 'number') attributes['gen_ai.response.time_to_first_chunk'] = true;
    return { name: s.name, kind: s.kind, parent: s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined, attributes };
  });
}

/** What every major records for the calls of test/apps/vercel-ai-calls.mjs (content capture off). */
function expectedShape(port: number, opts: { generateObject: boolean }): SpanShape[] {
  const chat = (parent: string | undefined, id: string, finish: string, input: number, output: number, extra: Record<string, unknown> = {}): SpanShape => ({
    name: `chat ${MODEL}`,
    kind: CLIENT,
    parent,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': MODEL,
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': id,
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': [finish],
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      ...extra,
    },
  });
  const agent = (name: string, extra: Record<string, unknown> = {}): SpanShape => ({
    name,
    kind: INTERNAL,
    parent: undefined,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': MODEL, ...extra },
  });
  const tool = (parent: string, callId: string): SpanShape => ({
    name: 'execute_tool weather',
    kind: INTERNAL,
    parent,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.description': 'Current weather in a city',
      'gen_ai.tool.type': 'function',
    },
  });
  return [
    agent('invoke_agent'),
    chat('invoke_agent', 'chatcmpl-a0', 'tool_call', 20, 8),
    tool('invoke_agent', 'call_1'),
    chat('invoke_agent', 'chatcmpl-a1', 'stop', 40, 9),
    chat(undefined, 'chatcmpl-a2', 'stop', 5, 2, { 'gen_ai.request.stream': true, 'gen_ai.response.time_to_first_chunk': true }),
    ...(opts.generateObject ? [chat(undefined, 'chatcmpl-a3', 'stop', 6, 4, { 'gen_ai.output.type': 'json' })] : []),
    agent('invoke_agent weather-agent', { 'gen_ai.agent.name': 'weather-agent' }),
    chat('invoke_agent weather-agent', 'chatcmpl-a4', 'tool_call', 22, 8),
    tool('invoke_agent weather-agent', 'call_2'),
    chat('invoke_agent weather-agent', 'chatcmpl-a5', 'stop', 44, 9),
  ];
}

describe.each(MAJORS)('Vercel AI SDK $major apps under the register hook', ({ major, packages }) => {
  useBuiltPackage();
  const server = useMockServer(new MockOpenAIServer());
  const app = useAppReceiver(`genai-vercel-ai-${major}-`);
  /** Where the app files are run from: `ai` resolves to the copy under test from there. */
  let appsDir = APPS;

  beforeAll(() => {
    if (!packages) return;
    const aiDir = cachedPackage(`vercel-ai-${major}`, packages[0], packages.slice(1));
    appsDir = join(dirname(dirname(aiDir)), 'apps');
    mkdirSync(appsDir, { recursive: true });
    for (const file of APP_FILES) copyFileSync(join(APPS, file), join(appsDir, file));
  }, 240_000);

  async function run(args: string[], register = true): Promise<VercelAppResult> {
    const details = { cached: 0, reasoning: 0 };
    server.enqueue(
      json(chatCompletion({ id: 'chatcmpl-a0', choices: [toolCallChoice([{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }])], usage: usage(20, 8, details) })),
      json(chatCompletion({ id: 'chatcmpl-a1', choices: [textChoice('21°C in Paris.')], usage: usage(40, 9, details) })),
      sse(textStream(['Hi', '!'], { id: 'chatcmpl-a2', streamUsage: usage(5, 2, details) })),
      json(chatCompletion({ id: 'chatcmpl-a3', choices: [textChoice('{"ok":true}')], usage: usage(6, 4, details) })),
      json(chatCompletion({ id: 'chatcmpl-a4', choices: [toolCallChoice([{ id: 'call_2', name: 'weather', arguments: '{"city":"Oslo"}' }])], usage: usage(22, 8, details) })),
      json(chatCompletion({ id: 'chatcmpl-a5', choices: [textChoice('5°C in Oslo.')], usage: usage(44, 9, details) })),
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
    expect(result.calls).toEqual({ loop: '21°C in Paris.', steps: 2, streamed: 'Hi!', object: { ok: true }, agent: '5°C in Oslo.' });
    const bundled = env.GENAI_APP_KIND === 'bundle';
    expect(result.aiVersion?.split('.')[0]).toBe(bundled ? undefined : String(major));
    // As without the hook: an ES module namespace, or `ai` 5 and 6's CommonJS exports (esbuild's own
    // namespace object in the bundle).
    const commonJs = args.some((a) => a.endsWith('.cjs')) && major < 7;
    expect(result.exportsKind).toEqual(bundled ? ['[object Object]', false] : commonJs ? ['[object Object]', true] : ['[object Module]', false]);
    return result;
  }

  it('ESM: `node --import .../register` records the tool loops, the stream and generateObject', async () => {
    await run(['--import', REGISTER, join(appsDir, 'vercel-ai-esm-app.mjs')]);
    expect(receivedShape(app.receiver.received.resourceSpans)).toEqual(expectedShape(server.port, { generateObject: true }));
  });

  it('CommonJS: `node -r .../register` with require("ai") records the same', async () => {
    await run(['-r', REGISTER, join(appsDir, 'vercel-ai-cjs-app.cjs')]);
    expect(receivedShape(app.receiver.received.resourceSpans)).toEqual(expectedShape(server.port, { generateObject: true }));
  });

  it('negative control: without the hook nothing is exported', async () => {
    await run([join(appsDir, 'vercel-ai-esm-app.mjs')], false);
    expect(app.receiver.received.requests).toEqual([]);
  });

  if (major === 7) {
    it('an esbuild bundle with `ai` inlined (as Next.js builds it) is recorded from the ai:telemetry channel alone', async () => {
      const esbuild = require(cachedPackage('esbuild', 'esbuild@0.28.2'));
      const bundle = join(app.scratchDir, 'bundle.mjs');
      await esbuild.build({
        entryPoints: [join(APPS, 'vercel-ai-esm-app.mjs')],
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
      // generateObject publishes nothing on the channel, and no hook saw `ai` load to wrap it.
      expect(receivedShape(app.receiver.received.resourceSpans)).toEqual(expectedShape(server.port, { generateObject: false }));
    });
  }
});
