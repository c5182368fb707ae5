/*
 * The Vercel AI SDK testbed (see testbed.ts): a VercelAIInstrumentation listening on the AI SDK's
 * `ai:telemetry` channel (`ai` 7 publishes its calls there) and patched into `ai` (the exports it wraps:
 * all the calls of `ai` 5 and 6, `ai` 7's generateObject / streamObject), the loopback OpenAI mock
 * server, and the real `@ai-sdk/openai` provider pointed at it (its `baseURL`). The AI SDK is ES modules
 * only: jest compiles it to CommonJS (jest.config.js); test/integration/vercel-ai-module-systems.test.ts
 * runs it as Node loads it.
 *
 *   const { server, tel, openai } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 */
import { VercelAIInstrumentation, type VercelAIInstrumentationConfig } from '../../src';
import { MockOpenAIServer } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV } from './env';
import { callAttributes } from './spans';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

/**
 * The exports jest loads are read-only (`ai` 5 and 6's CommonJS build; `ai` 7 compiled to CommonJS by
 * jest): they come back instrumented from manuallyInstrument. Call `ai()`, not `require('ai')`.
 */
export const VERCEL_AI: Provider<VercelAIInstrumentation> = { Instrumentation: VercelAIInstrumentation, sdkModule: () => require('ai') };

export interface VercelAITestbed {
  server: MockOpenAIServer;
  /** The `ai` module the tests call (`require('ai')`; instrumented exports for `ai` 5 and 6 under jest). */
  ai(): any;
  tel: TestTelemetry<VercelAIInstrumentation>;
  /** `createOpenAI` of `@ai-sdk/openai`, pointed at the mock server. */
  openai(): any;
  /** The attributes every span of `operation` to the mock server carries, plus `extra`. */
  baseAttributes(operation: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

const ENV = [CAPTURE_CONTENT_ENV, 'OPENAI_API_KEY', 'OPENAI_BASE_URL'];

export function useVercelAITestbed(opts: TestbedOptions<VercelAIInstrumentationConfig> = {}): VercelAITestbed {
  const { server, tel } = useTestbed(VERCEL_AI, new MockOpenAIServer(), ENV, opts);
  return {
    server,
    tel,
    ai: () => tel.sdk,
    openai: () => require('@ai-sdk/openai').createOpenAI({ apiKey: 'test-key', baseURL: server.baseURL }),
    baseAttributes: (operation, extra) => callAttributes(server, operation, 'openai', extra),
  };
}
