/*
 * The jest hooks every openai integration test file needs, registered in one call: the loopback mock
 * server (started once, its recorded requests and left-over scripted replies dropped after each test),
 * a telemetry pipeline patched into the `openai` module (one per describe block or one per test),
 * environment variables that must not leak into the run, and clients pointed at the mock server.
 *
 *   const { server, tel, client, baseAttributes } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 *
 * `tel` is usable at once: it forwards to the pipeline of the running test, so test bodies read
 * `tel.spans()`, `tel.instrumentation` etc. as with a TestTelemetry of their own.
 */
import OpenAI from 'openai';
import type { OpenAIInstrumentationConfig } from '../../src';
import { MockOpenAIServer } from '../mock-servers/openai-server';
import { baseAttributes } from './spans';
import { setupTelemetry, type TestTelemetry } from './telemetry';

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

export type ClientOptions = NonNullable<ConstructorParameters<typeof OpenAI>[0]>;

/** A loopback mock server for the enclosing block: started before its tests, reset after each, stopped after all. */
export function useMockServer(): MockOpenAIServer {
  const server = new MockOpenAIServer();
  beforeAll(() => server.start());
  // A failed test must not leave scripted replies (or requests) behind for the next one.
  afterEach(() => server.reset());
  afterAll(() => server.stop());
  return server;
}

export interface TelemetryOptions {
  /**
   * `describe` (default): one pipeline for the enclosing block; before each test its spans and logs are
   * cleared and the instrumentation gets `config` back (metrics are cumulative across the block).
   * `test`: a fresh pipeline per test, shut down (and checked for convention violations) after it.
   */
  lifetime?: 'describe' | 'test';
}

/** A telemetry pipeline for the enclosing block; the returned object forwards to the current one. */
export function useTelemetry(config: OpenAIInstrumentationConfig = {}, opts: TelemetryOptions = {}): TestTelemetry {
  let current: TestTelemetry | undefined;
  const setup = () => {
    current = setupTelemetry(config);
  };
  const shutdown = async () => {
    const tel = current;
    current = undefined;
    await tel?.shutdown();
  };
  if (opts.lifetime === 'test') {
    beforeEach(setup);
    afterEach(shutdown);
  } else {
    beforeAll(setup);
    beforeEach(() => {
      tel().reset();
      tel().instrumentation.setConfig(config);
    });
    afterAll(shutdown);
  }
  const tel = (): TestTelemetry => {
    if (!current) throw new Error('no telemetry pipeline outside a test of the block that called useTelemetry()');
    return current;
  };
  return {
    get instrumentation() {
      return tel().instrumentation;
    },
    get tracerProvider() {
      return tel().tracerProvider;
    },
    spans: () => tel().spans(),
    logs: () => tel().logs(),
    metrics: () => tel().metrics(),
    reset: () => tel().reset(),
    shutdown,
  };
}

/** Clears these environment variables for the enclosing block and puts them back after it. */
export function useClearedEnv(keys: readonly string[]): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of keys) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterAll(() => {
    for (const k of keys) if (saved[k] !== undefined) process.env[k] = saved[k];
  });
}

/** Runs `fn` with an environment variable set (or removed, for undefined), then restores it. */
export async function withEnv<T>(key: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[key];
  const set = (v: string | undefined) => {
    if (v === undefined) delete process.env[key];
    else process.env[key] = v;
  };
  set(value);
  try {
    return await fn();
  } finally {
    set(saved);
  }
}

/** A client of the mock server that never retries. */
export function mockClient(server: MockOpenAIServer, opts: Partial<ClientOptions> = {}): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0, ...opts });
}

export interface OpenAITestbed {
  server: MockOpenAIServer;
  tel: TestTelemetry;
  /** A new client of the mock server (`opts` override the defaults). */
  client(opts?: Partial<ClientOptions>): OpenAI;
  /** {@link baseAttributes} for this testbed's server. */
  baseAttributes(operation: string, extra?: Record<string, unknown>): Record<string, unknown>;
}

export interface TestbedOptions extends TelemetryOptions {
  /** The instrumentation config (default `{}`). */
  config?: OpenAIInstrumentationConfig;
  /** Environment variables cleared for the block (default: the content capture variable, which wins over config). */
  clearEnv?: readonly string[];
}

/** Mock server, telemetry pipeline and cleared environment for the enclosing block (see the file header). */
export function useOpenAITestbed(opts: TestbedOptions = {}): OpenAITestbed {
  useClearedEnv(opts.clearEnv ?? [CAPTURE_CONTENT_ENV]);
  const tel = useTelemetry(opts.config, opts);
  const server = useMockServer();
  return {
    server,
    tel,
    client: (clientOpts) => mockClient(server, clientOpts),
    baseAttributes: (operation, extra) => baseAttributes(server, operation, extra),
  };
}
