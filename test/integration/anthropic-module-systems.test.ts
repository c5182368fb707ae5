/*
 * The module hooks for @anthropic-ai/sdk, end to end (see test/helpers/child-app.ts): a CommonJS app
 * (require-in-the-middle) and an ES module app (import-in-the-middle via `node --import`) with the real
 * OpenTelemetry SDK (a global tracer provider, so the SDK's own tracing is on) load the real
 * `@anthropic-ai/sdk` and this package's BUILT AnthropicInstrumentation, and call the loopback Anthropic
 * mock. Each app also runs once without registering: no spans of ours, and then the SDK's own.
 */
import { SDK_SCOPE } from '../helpers/anthropic-testbed';
import { appMetricPoints, childApps, genAIMetrics, runApp, useBuiltPackage, type AppResult, type AppSpan } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { message, streamEvents, textBlock, usage } from '../fixtures/anthropic';
import { MockAnthropicServer, json, sse } from '../mock-servers/anthropic-server';

const OUR_SCOPE = 'opentelemetry-instrumentation-genai/anthropic';

interface AnthropicAppResult extends AppResult {
  sdkEntry: string;
  createWrapped: boolean;
  betaCreateWrapped: boolean;
  cjsCreateWrapped?: boolean;
  esmAndCjsDistinct?: boolean;
  calls: { text: string; streamed: string; helperText: string };
}

const { cjs: CJS_APP, esm: ESM_APP } = childApps('anthropic');

describe('module systems: the require hook and the ESM loader hook patch the real @anthropic-ai/sdk', () => {
  useBuiltPackage();
  const server = useMockServer(new MockAnthropicServer());

  async function run(args: string[], register: boolean): Promise<AnthropicAppResult> {
    const before = server.requests.length;
    server.enqueue(
      json(message({ id: 'msg_app_1', content: [textBlock('hi there')], usage: usage(7, 2) })),
      sse(streamEvents(message({ id: 'msg_app_2', content: [textBlock('streamed')], usage: usage(4, 3) }))),
      sse(streamEvents(message({ id: 'msg_app_3', content: [textBlock('helper')], usage: usage(5, 1) }))),
    );
    const result = await runApp<AnthropicAppResult>(args, {
      register,
      env: { ANTHROPIC_BASE_URL_FOR_TEST: server.baseURL },
      clearedEnv: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_OPEN_TELEMETRY'],
    });
    expect(server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages', 'POST /v1/messages', 'POST /v1/messages']);
    expect(result.calls).toEqual({ text: 'hi there', streamed: 'streamed', helperText: 'helper' });
    return result;
  }

  function expectChatSpans(result: AnthropicAppResult): void {
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
    expect(appMetricPoints(result, OUR_SCOPE, 'gen_ai.client.operation.duration')).toBe(1);
    expect(appMetricPoints(result, OUR_SCOPE, 'gen_ai.client.token.usage')).toBe(2);
    expect(appMetricPoints(result, OUR_SCOPE, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
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
    expect(genAIMetrics(result)).toEqual([]);
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
    expect(genAIMetrics(result)).toEqual([]);
  });
});
