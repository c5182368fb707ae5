/*
 * The openai testbed (see testbed.ts): the OpenAIInstrumentation patched into the `openai` module the
 * test loads, the loopback OpenAI mock server, and clients of it.
 *
 *   const { server, tel, client, baseAttributes } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 */
import OpenAI from 'openai';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '../../src';
import { MockOpenAIServer } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV } from './env';
import { baseAttributes } from './spans';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

export const OPENAI: Provider<OpenAIInstrumentation> = { Instrumentation: OpenAIInstrumentation, sdkModule: () => require('openai') };

export type ClientOptions = NonNullable<ConstructorParameters<typeof OpenAI>[0]>;

/** A client of the mock server that never retries. */
export function mockClient(server: MockOpenAIServer, opts: Partial<ClientOptions> = {}): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0, ...opts });
}

export interface OpenAITestbed {
  server: MockOpenAIServer;
  tel: TestTelemetry<OpenAIInstrumentation>;
  /** A new client of the mock server (`opts` override the defaults). */
  client(opts?: Partial<ClientOptions>): OpenAI;
  /** {@link baseAttributes} for this testbed's server. */
  baseAttributes(operation: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

/** Mock server, telemetry pipeline and cleared environment (default: the content capture variable, which wins over config). */
export function useOpenAITestbed(opts: TestbedOptions<OpenAIInstrumentationConfig> = {}): OpenAITestbed {
  const { server, tel } = useTestbed(OPENAI, new MockOpenAIServer(), [CAPTURE_CONTENT_ENV], opts);
  return {
    server,
    tel,
    client: (clientOpts) => mockClient(server, clientOpts),
    baseAttributes: (operation, extra) => baseAttributes(server, operation, extra),
  };
}
