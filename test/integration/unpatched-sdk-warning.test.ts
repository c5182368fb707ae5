/*
 * An LLM SDK that was loaded but never patched is reported with one Node warning (src/core/unpatched-sdk.ts),
 * end to end: the module-system apps (test/helpers/child-app.ts), with the real SDKs and the BUILT package,
 * against the loopback mock servers. The mistakes: an ES module app whose preload registers the
 * instrumentations but not the loader hook (GENAI_APP_ESM_HOOK=0), and one that imports its instrumentation
 * file itself instead of giving it to `node --import`. Set up right (the loader hook, or CommonJS), nothing
 * is printed. Every app makes two or three calls: still one line.
 *
 * Bedrock's client sends over HTTP/2, which Node publishes on a diagnostics channel from Node 24 (the
 * repo's pinned Node); the other SDKs use fetch.
 */
import { join } from 'node:path';
import { childApps, runAppWithStderr, useBuiltPackage, type AppResult } from '../helpers/child-app';
import { useMockServer } from '../helpers/testbed';
import { CLAUDE as BEDROCK_MODEL, converseTextStream, textResponse as bedrockText } from '../fixtures/bedrock';
import { message, streamEvents, textBlock, usage } from '../fixtures/anthropic';
import { textChunks, textResponse as geminiText, usageMetadata } from '../fixtures/gemini';
import { MockAnthropicServer, json as anthropicJson, sse as anthropicSse } from '../mock-servers/anthropic-server';
import { MockBedrockServer, events as bedrockEvents, json as bedrockJson } from '../mock-servers/bedrock-server';
import { MockGeminiServer, json as geminiJson, sse as geminiSse } from '../mock-servers/gemini-server';
import { MockOpenAIServer, json as openaiJson, sse as openaiSse } from '../mock-servers/openai-server';

/** The warning exactly as Node prints it (pid replaced). */
function expectedLine(sdk: string): string {
  return (
    `(node:PID) [OTEL_GENAI_SDK_NOT_PATCHED] Warning: opentelemetry-instrumentation-genai: a call of ${sdk} was not recorded: ` +
    `the app uses a copy of ${sdk} that was loaded but never patched. An ES module app must be started with ` +
    '`node --import opentelemetry-instrumentation-genai/register app.mjs`, or with its own instrumentation file given to ' +
    "`node --import` (not imported by the app) that registers the loader hook ('@opentelemetry/instrumentation/hook.mjs') " +
    `before ${sdk} is imported; a bundled app must pass the ${sdk} module it imports to manuallyInstrument().`
  );
}

/** The lines of this warning in an app's stderr. */
function warningLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.includes('OTEL_GENAI_SDK_NOT_PATCHED'))
    .map((line) => line.replace(/^\(node:\d+\)/, '(node:PID)'));
}

const HOOK_OFF = { GENAI_APP_ESM_HOOK: '0' };

describe('an LLM SDK loaded but never patched is reported once, on stderr', () => {
  useBuiltPackage();

  describe('openai', () => {
    const server = useMockServer(new MockOpenAIServer());
    const { cjs, esm } = childApps('openai');
    const selfSetup = [join(__dirname, '..', 'apps', 'openai-esm-self-setup-app.mjs')];

    async function run(args: string[], env: Record<string, string> = {}, register = true) {
      const before = server.requests.length;
      server.enqueue(
        openaiJson({
          id: 'chatcmpl-w-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop', logprobs: null }],
        }),
        openaiSse([
          { id: 'chatcmpl-w-2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'streamed' }, finish_reason: 'stop' }] },
        ]),
      );
      const out = await runAppWithStderr<AppResult & { calls: unknown }>(args, { register, env: { ...env, OPENAI_BASE_URL_FOR_TEST: server.baseURL }, clearedEnv: ['OPENAI_BASE_URL'] });
      // Two calls reached the mock and the app got its answers, warned or not.
      expect(server.requests.length - before).toBe(2);
      expect(out.result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed' });
      return out;
    }

    it('ESM preload without the loader hook: one line for two calls, nothing recorded', async () => {
      const { result, stderr } = await run(esm, HOOK_OFF);
      expect(result.spans).toEqual([]);
      expect(warningLines(stderr)).toEqual([expectedLine('openai')]);
    });

    it('ESM app that imports its own instrumentation file (not --import): one line, nothing recorded', async () => {
      const { result, stderr } = await run(selfSetup);
      expect(result.spans).toEqual([]);
      expect(warningLines(stderr)).toEqual([expectedLine('openai')]);
    });

    it('ESM with the loader hook: recorded, no warning', async () => {
      const { result, stderr } = await run(esm);
      expect(result.spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
      expect(warningLines(stderr)).toEqual([]);
    });

    it('CommonJS (the require hook patched the copy the app requires): recorded, no warning', async () => {
      const { result, stderr } = await run(cjs);
      expect(result.spans).toHaveLength(2);
      expect(warningLines(stderr)).toEqual([]);
    });

    it('no instrumentation enabled: nothing is watched, no warning', async () => {
      const { stderr } = await run(esm, HOOK_OFF, false);
      expect(warningLines(stderr)).toEqual([]);
    });
  });

  describe('@anthropic-ai/sdk', () => {
    const server = useMockServer(new MockAnthropicServer());
    const { esm } = childApps('anthropic');

    it('ESM preload without the loader hook: one line for three calls', async () => {
      server.enqueue(
        anthropicJson(message({ id: 'msg_w_1', content: [textBlock('hi there')], usage: usage(7, 2) })),
        anthropicSse(streamEvents(message({ id: 'msg_w_2', content: [textBlock('streamed')], usage: usage(4, 3) }))),
        anthropicSse(streamEvents(message({ id: 'msg_w_3', content: [textBlock('helper')], usage: usage(5, 1) }))),
      );
      const { result, stderr } = await runAppWithStderr<AppResult>(esm, {
        register: true,
        env: { ...HOOK_OFF, ANTHROPIC_BASE_URL_FOR_TEST: server.baseURL },
        clearedEnv: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_OPEN_TELEMETRY'],
      });
      expect(server.requests).toHaveLength(3);
      expect(result.spans.filter((s) => s.scope.startsWith('opentelemetry-instrumentation-genai/'))).toEqual([]);
      expect(warningLines(stderr)).toEqual([expectedLine('@anthropic-ai/sdk')]);
    });
  });

  describe('@google/genai (not a Stainless SDK: recognised by its x-goog-api-client header)', () => {
    const server = useMockServer(new MockGeminiServer());
    const { cjs, esm } = childApps('google-genai');

    async function run(args: string[], env: Record<string, string> = {}) {
      server.enqueue(
        geminiJson(geminiText('hi there', { responseId: 'resp-w-1', usage: usageMetadata(7, 2) })),
        geminiSse(textChunks(['str', 'eamed'], { responseId: 'resp-w-2', usage: usageMetadata(4, 3) })),
        geminiJson({ embeddings: [{ values: [0.1, 0.2, 0.3] }] }),
      );
      const out = await runAppWithStderr<AppResult & { calls: unknown }>(args, {
        register: true,
        env: { ...env, GEMINI_BASE_URL_FOR_TEST: server.baseUrl },
        clearedEnv: ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GEMINI_BASE_URL'],
      });
      expect(out.result.calls).toEqual({ text: 'hi there', streamedText: 'streamed', dimensions: 3 });
      return out;
    }

    it('ESM preload without the loader hook: one line for three calls, nothing recorded', async () => {
      const { result, stderr } = await run(esm, HOOK_OFF);
      expect(result.spans).toEqual([]);
      expect(warningLines(stderr)).toEqual([expectedLine('@google/genai')]);
    });

    it('ESM with the loader hook, and CommonJS: recorded, no warning', async () => {
      for (const args of [esm, cjs]) {
        const { result, stderr } = await run(args);
        expect(result.spans).toHaveLength(3);
        expect(warningLines(stderr)).toEqual([]);
      }
    });
  });

  describe('@aws-sdk/client-bedrock-runtime (HTTP/2, recognised by its user agent)', () => {
    const server = useMockServer(new MockBedrockServer());
    const { cjs, esm } = childApps('bedrock');

    async function run(args: string[], env: Record<string, string> = {}) {
      server.enqueue(bedrockJson(bedrockText('hi there')), bedrockEvents(converseTextStream(['str', 'eamed'])), bedrockJson(bedrockText('aggregated')));
      const out = await runAppWithStderr<AppResult & { calls: unknown }>(args, {
        register: true,
        env: { ...env, BEDROCK_ENDPOINT_FOR_TEST: server.endpoint },
        clearedEnv: ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_PROFILE'],
      });
      expect(out.result.calls).toEqual({ chatText: 'hi there', streamedText: 'streamed', aggregatedText: 'aggregated' });
      return out;
    }

    it('ESM preload without the loader hook: one line for three calls, nothing recorded', async () => {
      const { result, stderr } = await run(esm, HOOK_OFF);
      expect(result.spans).toEqual([]);
      expect(warningLines(stderr)).toEqual([expectedLine('@aws-sdk/client-bedrock-runtime')]);
    });

    it('ESM with the loader hook, and CommonJS: recorded, no warning', async () => {
      for (const args of [esm, cjs]) {
        const { result, stderr } = await run(args);
        expect(result.spans.map((s) => s.name)).toEqual([`chat ${BEDROCK_MODEL}`, `chat ${BEDROCK_MODEL}`, `chat ${BEDROCK_MODEL}`]);
        expect(warningLines(stderr)).toEqual([]);
      }
    });
  });
});
