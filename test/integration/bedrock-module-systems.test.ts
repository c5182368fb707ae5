/*
 * The module hooks for @aws-sdk/client-bedrock-runtime, end to end (see test/helpers/child-app.ts): a
 * CommonJS app (require-in-the-middle) and an ES module app (`node --import` preload with the
 * import-in-the-middle hook) with the real OpenTelemetry SDK and the BUILT instrumentation load the real
 * SDK and call the loopback Bedrock mock server. Each app also runs once without registering.
 *
 * The SDK has no "exports" map: `import` loads its CommonJS build too (one module, one class), so the
 * patch is the same for both module systems.
 */
import { appMetricPoints, childApps, genAIMetrics, runApp, useBuiltPackage, type AppResult, type AppSpan } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { CLAUDE as MODEL, converseTextStream, textResponse } from '../fixtures/bedrock';
import { MockBedrockServer, events, json } from '../mock-servers/bedrock-server';

const SCOPE = 'opentelemetry-instrumentation-genai/bedrock-runtime';

interface BedrockAppResult extends AppResult {
  sdkEntry: string;
  sendWrapped: boolean;
  sameClassAsRequire?: boolean;
  calls: { chatText: string; streamedText: string; aggregatedText: string };
}

const { cjs: CJS_APP, esm: ESM_APP } = childApps('bedrock');

describe('module systems: the require hook and the ESM loader hook patch the real @aws-sdk/client-bedrock-runtime', () => {
  useBuiltPackage();
  const server = useMockServer(new MockBedrockServer());

  async function run(args: string[], register: boolean, env: Record<string, string> = {}): Promise<BedrockAppResult> {
    server.enqueue(json(textResponse('hi there')), events(converseTextStream(['str', 'eamed'])), json(textResponse('aggregated')));
    const result = await runApp<BedrockAppResult>(args, {
      register,
      env: { ...env, BEDROCK_ENDPOINT_FOR_TEST: server.endpoint },
      clearedEnv: ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_PROFILE'],
    });
    // The calls really reached the mock, instrumented or not, and the app got the answers.
    expect(server.requests.map((r) => `${r.operation} ${r.modelId}`)).toEqual([`converse ${MODEL}`, `converse-stream ${MODEL}`, `converse ${MODEL}`]);
    expect(result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed', aggregatedText: 'aggregated' });
    return result;
  }

  function expectSpans(result: BedrockAppResult): void {
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
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.duration')).toBe(1);
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.token.usage')).toBe(2);
    expect(appMetricPoints(result, SCOPE, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
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
    expect(genAIMetrics(result)).toEqual([]);
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

  describe('beside the real @opentelemetry/instrumentation-aws-sdk (it also emits GenAI spans for Bedrock)', () => {
    const AWS_SDK_SCOPE = '@opentelemetry/instrumentation-aws-sdk';

    it('default (suppressAwsSdkSpans: true): one GenAI span per call, ours; none and no GenAI metrics from aws-sdk', async () => {
      const result = await run(CJS_APP, true, { BEDROCK_APP_AWS_SDK_INSTRUMENTATION: 'suppress' });
      expect(result.spans.filter((s) => s.scope === AWS_SDK_SCOPE)).toEqual([]);
      expectSpans(result);
      expect(result.metrics.filter((m) => m.scope === AWS_SDK_SCOPE && m.name.startsWith('gen_ai.'))).toEqual([]);
    });

    it('suppressAwsSdkSpans: false: its span is kept, as a child of ours, one per call', async () => {
      const result = await run(CJS_APP, true, { BEDROCK_APP_AWS_SDK_INSTRUMENTATION: 'keep' });
      const ours = result.spans.filter((s) => s.scope === SCOPE);
      const theirs = result.spans.filter((s) => s.scope === AWS_SDK_SCOPE);
      expect(ours).toHaveLength(3);
      expect(theirs).toHaveLength(3);
      expect(theirs.map((s) => ours.findIndex((o) => o.spanId === s.parentSpanId))).toEqual([0, 1, 2]);
    });
  });
});
