/*
 * One GenAI span per AI SDK model call, whatever else is instrumented:
 *   - the AI SDK's own OpenTelemetry integration (`@ai-sdk/otel`, registered with registerTelemetry): its
 *     spans are suppressed by default (`aiSdkTelemetry: 'suppress'`), kept with 'keep';
 *   - the openai and @anthropic-ai/sdk instrumentations: the AI SDK's providers call the APIs with fetch,
 *     not through those SDKs, so they record nothing for these calls (and warn about no unpatched copy).
 */
import { SpanKind } from '@opentelemetry/api';
import { cachedPackage } from '../helpers/cache-install';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { isOurs } from '../helpers/telemetry';
import { MODEL, chatCompletion, textChoice, usage } from '../fixtures/chat';
import { json } from '../mock-servers/openai-server';
import { AnthropicInstrumentation, OpenAIInstrumentation } from '../../src';
import { MockAnthropicServer, json as anthropicJson } from '../mock-servers/anthropic-server';
import { message } from '../fixtures/anthropic';
import { useMockServer } from '../helpers/testbed';

const { generateText, registerTelemetry } = require('ai');

// The version matching the `ai` devDependency.
const AI_SDK_OTEL = `@ai-sdk/otel@${require('ai/package.json').version.replace(/^7\./, '1.')}`;
let OpenTelemetry: new (opts: { tracer: unknown }) => unknown;
beforeAll(() => {
  OpenTelemetry = require(cachedPackage('ai-sdk-otel', AI_SDK_OTEL)).OpenTelemetry;
}, 240_000);

afterEach(() => {
  (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS = [];
});

const reply = () => json(chatCompletion({ id: 'chatcmpl-d1', choices: [textChoice('Hi!')], usage: usage(5, 2) }));

describe("default 'suppress'", () => {
  const { server, tel, openai } = useVercelAITestbed({ lifetime: 'test' });

  it('a registered @ai-sdk/otel integration records no span: one chat span per model call', async () => {
    registerTelemetry(new OpenTelemetry({ tracer: tel.tracerProvider.getTracer('gen_ai') }));
    server.enqueue(reply());
    const result = await generateText({ model: openai().chat(MODEL), prompt: 'Hi', maxRetries: 0 });

    expect(result.text).toBe('Hi!');
    expect(tel.allSpans().map((s) => [s.name, isOurs(s)])).toEqual([[`chat ${MODEL}`, true]]);
  });
});

describe("default 'suppress', generateObject (wrapped, not on the channel)", () => {
  const { server, tel, ai, openai } = useVercelAITestbed({ lifetime: 'test' });

  it('a registered @ai-sdk/otel integration records no span either: one chat span', async () => {
    registerTelemetry(new OpenTelemetry({ tracer: tel.tracerProvider.getTracer('gen_ai') }));
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-d2', choices: [textChoice('{"ok":true}')], usage: usage(5, 2) })));
    try {
      const { z } = require('zod');
      const result = await ai().generateObject({ model: openai().chat(MODEL), schema: z.object({ ok: z.boolean() }), prompt: 'OK?', maxRetries: 0 });
      expect(result.object).toEqual({ ok: true });
    } finally {
      delete (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS;
    }

    expect(tel.allSpans().map((s) => [s.name, isOurs(s)])).toEqual([[`chat ${MODEL}`, true]]);
  });
});

describe("'keep'", () => {
  const { server, tel, openai } = useVercelAITestbed({ lifetime: 'test', config: { aiSdkTelemetry: 'keep' } });

  it("the integration's spans are recorded next to ours", async () => {
    registerTelemetry(new OpenTelemetry({ tracer: tel.tracerProvider.getTracer('gen_ai') }));
    server.enqueue(reply());
    await generateText({ model: openai().chat(MODEL), prompt: 'Hi', maxRetries: 0 });

    const spans = tel.allSpans();
    expect(spans.filter(isOurs).map((s) => s.name)).toEqual([`chat ${MODEL}`]);
    const theirs = spans.filter((s) => !isOurs(s));
    expect(theirs.some((s) => s.name === `chat ${MODEL}` && s.kind === SpanKind.CLIENT)).toBe(true);
  });
});

describe('the openai and @anthropic-ai/sdk instrumentations', () => {
  const { server, tel, openai } = useVercelAITestbed({ lifetime: 'test' });
  const anthropicServer = useMockServer(new MockAnthropicServer());

  it('record nothing for @ai-sdk/openai and @ai-sdk/anthropic calls', async () => {
    const others = [new OpenAIInstrumentation({ enabled: false }), new AnthropicInstrumentation({ enabled: false })];
    others[0]!.manuallyInstrument(require('openai'));
    others[1]!.manuallyInstrument(require('@anthropic-ai/sdk'));
    for (const i of others) {
      i.setTracerProvider(tel.tracerProvider);
      i.enable();
    }
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      server.enqueue(reply());
      anthropicServer.enqueue(anthropicJson(message({ id: 'msg_d1' })));
      const { createAnthropic } = require('@ai-sdk/anthropic');
      const anthropic = createAnthropic({ apiKey: 'test-key', baseURL: anthropicServer.baseURL });
      await generateText({ model: openai().chat(MODEL), prompt: 'Hi', maxRetries: 0 });
      await generateText({ model: anthropic('claude-opus-5'), prompt: 'Hi', maxRetries: 0 });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
      for (const i of others) i.disable();
    }

    expect(tel.allSpans().map((s) => [s.name, s.instrumentationScope.name, s.attributes['gen_ai.provider.name']])).toEqual([
      [`chat ${MODEL}`, 'opentelemetry-instrumentation-genai/vercel-ai', 'openai'],
      ['chat claude-opus-5', 'opentelemetry-instrumentation-genai/vercel-ai', 'anthropic'],
    ]);
    expect(warnings).toEqual([]);
  });
});
