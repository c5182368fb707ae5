/*
 * The jest hooks every provider's integration tests need, registered in one call: the provider's loopback
 * mock server (started once, its recorded requests and left-over scripted replies dropped after each
 * test), a telemetry pipeline patched into the provider's SDK module (one per describe block or one per
 * test), and environment variables that must not leak into the run. Each <provider>-testbed.ts adds its
 * clients of the mock server.
 *
 * `tel` is usable at once: it forwards to the pipeline of the running test, so test bodies read
 * `tel.spans()`, `tel.instrumentation` etc. as with a TestTelemetry of their own.
 */
import { useClearedEnv } from './env';
import { setupTelemetry, type ConfigOf, type PatchingInstrumentation, type Provider, type TestTelemetry } from './telemetry';

/** What the hooks need of a mock server. */
export interface MockServer {
  start(): Promise<unknown>;
  reset(): void;
  stop(): Promise<void>;
}

/** `server` for the enclosing block: started before its tests, reset after each, stopped after all. */
export function useMockServer<S extends MockServer>(server: S): S {
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

/** A telemetry pipeline of `provider` for the enclosing block; the returned object forwards to the current one. */
export function useTelemetry<I extends PatchingInstrumentation>(
  provider: Provider<I>,
  config: ConfigOf<I> = {} as ConfigOf<I>,
  opts: TelemetryOptions = {},
): TestTelemetry<I> {
  let current: TestTelemetry<I> | undefined;
  const setup = () => {
    current = setupTelemetry(provider, config);
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
  const tel = (): TestTelemetry<I> => {
    if (!current) throw new Error('no telemetry pipeline outside a test of the block that called useTelemetry()');
    return current;
  };
  return {
    get instrumentation() {
      return tel().instrumentation;
    },
    get sdk() {
      return tel().sdk;
    },
    get tracerProvider() {
      return tel().tracerProvider;
    },
    allSpans: () => tel().allSpans(),
    spans: () => tel().spans(),
    startAttributes: (span) => tel().startAttributes(span),
    logs: () => tel().logs(),
    metrics: () => tel().metrics(),
    reset: () => tel().reset(),
    shutdown,
  };
}

export interface TestbedOptions<Config> extends TelemetryOptions {
  /** The instrumentation config (default `{}`). */
  config?: Config;
  /** Environment variables cleared for the block (default: the provider's). */
  clearEnv?: readonly string[];
}

/** Cleared environment, telemetry pipeline and mock server for the enclosing block (see the file header). */
export function useTestbed<I extends PatchingInstrumentation, S extends MockServer>(
  provider: Provider<I>,
  server: S,
  defaultEnv: readonly string[],
  opts: TestbedOptions<ConfigOf<I>> = {},
): { server: S; tel: TestTelemetry<I> } {
  useClearedEnv(opts.clearEnv ?? defaultEnv);
  const tel = useTelemetry(provider, opts.config, opts);
  return { server: useMockServer(server), tel };
}
