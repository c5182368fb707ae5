/*
 * The module hooks for @aws-sdk/client-bedrock-runtime, end to end: a CommonJS app (require-in-the-middle)
 * and an ES module app (`node --import` preload with the import-in-the-middle hook) run as child processes
 * with the real OpenTelemetry SDK and the BUILT instrumentation (dist/cjs), load the real SDK and call the
 * loopback Bedrock mock server. Jest's own module registry never lets the require hook see the SDK load,
 * so this is where the hooks themselves are exercised. Each app also runs once without registering.
 *
 * The SDK has no "exports" map: `import` loads its CommonJS build too (one module, one class), so the
 * patch is the same for both module systems.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useBedrockMockServer } from '../helpers/bedrock-testbed';
import { converseTextStream, textResponse } from '../fixtures/bedrock';
import { events, json } from '../mock-servers/bedrock-server';

const ROOT = join(__dirname, '..', '..');
const APPS = join(ROOT, 'test', 'apps');
const RESULT_MARKER = 'GENAI_APP_RESULT ';
const CHILD_TIMEOUT_MS = 20_000;
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const SCOPE = 'opentelemetry-instrumentation-genai/bedrock-runtime';

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
  instrumentationFrom?: 'package' | 'dist-file';
  sdkEntry: string;
  sendWrapped: boolean;
  sameClassAsRequire?: boolean;
  calls: { chatText: string; streamedText: string; aggregatedText: string };
  spans: AppSpan[];
  metrics: Array<{ name: string; scope: string; points: number }>;
  logs: Array<{ eventName?: string }>;
}

function runApp(args: string[], env: Record<string, string>): Promise<AppResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const key of ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'NODE_OPTIONS', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_PROFILE']) {
    delete childEnv[key];
  }
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

const CJS_APP = [join(APPS, 'bedrock-cjs-app.cjs')];
const ESM_APP = ['--import', join(APPS, 'bedrock-esm-preload.mjs'), join(APPS, 'bedrock-esm-app.mjs')];

describe('module systems: the require hook and the ESM loader hook patch the real @aws-sdk/client-bedrock-runtime', () => {
  beforeAll(() => {
    const built = join(ROOT, 'dist', 'cjs', 'providers', 'bedrock', 'instrumentation.js');
    if (!existsSync(built)) {
      throw new Error(`bedrock module-systems tests load the BUILT package, but ${built} is missing: run \`npm run build\` first (\`npm test\` does).`);
    }
  });
  const server = useBedrockMockServer();

  async function run(args: string[], register: boolean, env: Record<string, string> = {}): Promise<AppResult> {
    server.enqueue(json(textResponse('hi there')), events(converseTextStream(['str', 'eamed'])), json(textResponse('aggregated')));
    const result = await runApp(args, { ...env, BEDROCK_ENDPOINT_FOR_TEST: server.endpoint, GENAI_APP_REGISTER: register ? '1' : '0' });
    // The calls really reached the mock, instrumented or not, and the app got the answers.
    expect(server.requests.map((r) => `${r.operation} ${r.modelId}`)).toEqual([`converse ${MODEL}`, `converse-stream ${MODEL}`, `converse ${MODEL}`]);
    expect(result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed', aggregatedText: 'aggregated' });
    return result;
  }

  function expectSpans(result: AppResult): void {
    expect(result.spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`, `chat ${MODEL}`]);
    const [plain, streamed, aggregated] = result.spans as [AppSpan, AppSpan, AppSpan];
    for (const span of result.spans) {
      expect(span.kind).toBe(2); // SpanKind.CLIENT
      expect(span.scope).toBe(SCOPE);
      expect(span.status.code).toBe(0);
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'aws.bedrock',
        'gen_ai.request.model': MODEL,
        'gen_ai.response.finish_reasons': ['stop'],
        'server.address': '127.0.0.1',
        'server.port': server.port,
      });
    }
    expect(plain.attributes).toMatchObject({ 'gen_ai.request.temperature': 0.5, 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 5 });
    expect(streamed.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 2 });
    expect(typeof streamed.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(JSON.parse(plain.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]);
    expect(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'streamed' }], finish_reason: 'stop' },
    ]);
    expect(JSON.parse(aggregated.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'aggregated' }], finish_reason: 'stop' },
    ]);
    expect(result.logs).toEqual([]);
    const metric = (name: string) => result.metrics.find((m) => m.name === name && m.scope === SCOPE);
    expect(metric('gen_ai.client.operation.duration')?.points).toBe(1);
    expect(metric('gen_ai.client.token.usage')?.points).toBe(2);
    expect(metric('gen_ai.client.operation.time_to_first_chunk')?.points).toBe(1);
  }

  it('CommonJS: registering before require() patches the SDK (require-in-the-middle)', async () => {
    const result = await run(CJS_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]@aws-sdk[\\/]client-bedrock-runtime[\\/]dist-cjs[\\/]index\.js$/);
    expect(result.sendWrapped).toBe(true);
    expectSpans(result);
  });

  it('CommonJS negative control: without registering, no spans', async () => {
    const result = await run(CJS_APP, false);
    expect(result.sendWrapped).toBe(false);
    expect(result.spans).toEqual([]);
    expect(result.metrics.filter((m) => m.name.startsWith('gen_ai.'))).toEqual([]);
  });

  it('ESM: `import` of the SDK loads its CommonJS build, and the `node --import` preload with the loader hook patches it', async () => {
    const result = await run(ESM_APP, true);
    expect(result.sdkEntry).toMatch(/[\\/]@aws-sdk[\\/]client-bedrock-runtime[\\/]dist-cjs[\\/]index\.js$/);
    expect(result.sameClassAsRequire).toBe(true);
    expect(result.sendWrapped).toBe(true);
    expectSpans(result);
  });

  it('ESM control: instrumentation registered but no loader hook: an `import`-only app is not patched (the require hook never sees an import)', async () => {
    const result = await run(ESM_APP, true, { GENAI_APP_ESM_HOOK: '0' });
    expect(result.sendWrapped).toBe(false);
    expect(result.spans).toEqual([]);
  });

  it('ESM negative control: without the hook and registration, no spans', async () => {
    const result = await run(ESM_APP, false);
    expect(result.sendWrapped).toBe(false);
    expect(result.spans).toEqual([]);
  });
});
