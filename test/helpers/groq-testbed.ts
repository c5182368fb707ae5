/*
 * The Groq testbed (see testbed.ts): the GroqInstrumentation patched into the `groq-sdk` module the test
 * loads, a loopback mock server and clients of it. Groq's API is OpenAI-shaped under `/openai/v1`, so the
 * OpenAI mock server serves it: a client's base URL is the server's origin (groq-sdk adds the prefix per
 * call), and the Groq-only fields (`x_groq`) are in the scripted bodies (test/fixtures/groq.ts).
 *
 *   const { server, tel, client } = useGroqTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 */
import type GroqClient from 'groq-sdk';
import { GroqInstrumentation, type GroqInstrumentationConfig } from '../../src';
import { MockOpenAIServer } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV } from './env';
import { callAttributes } from './spans';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

export const GROQ: Provider<GroqInstrumentation> = { Instrumentation: GroqInstrumentation, sdkModule: () => require('groq-sdk') };

/** The client class of the `groq-sdk` the tests load (`npm run test:versions` may map it to a 0.x copy). */
export function groqClass(): typeof GroqClient {
  const sdk = require('groq-sdk') as { Groq?: typeof GroqClient } & typeof GroqClient;
  return sdk.Groq ?? sdk;
}

export type GroqClientOptions = NonNullable<ConstructorParameters<typeof GroqClient>[0]>;

/** A client of the mock server that never retries. */
export function mockGroqClient(server: MockOpenAIServer, opts: Partial<GroqClientOptions> = {}): GroqClient {
  const Groq = groqClass();
  return new Groq({ apiKey: 'test-key', baseURL: server.origin, maxRetries: 0, ...opts });
}

export interface GroqTestbed {
  server: MockOpenAIServer;
  tel: TestTelemetry<GroqInstrumentation>;
  client(opts?: Partial<GroqClientOptions>): GroqClient;
  /** The attributes every span of `operation` to this testbed's server carries, plus `extra`. */
  baseAttributes(operation: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

/** Variables the SDK or this package read: none may leak into a test. */
const GROQ_ENV = [CAPTURE_CONTENT_ENV, 'GROQ_BASE_URL', 'GROQ_API_KEY', 'GROQ_LOG'];

export function useGroqTestbed(opts: TestbedOptions<GroqInstrumentationConfig> = {}): GroqTestbed {
  const { server, tel } = useTestbed(GROQ, new MockOpenAIServer(), GROQ_ENV, opts);
  return {
    server,
    tel,
    client: (clientOpts) => mockGroqClient(server, clientOpts),
    baseAttributes: (operation, extra) => callAttributes(server, operation, 'groq', extra),
  };
}
