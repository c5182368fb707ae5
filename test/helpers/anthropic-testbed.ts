/*
 * The Anthropic testbed (see testbed.ts): the AnthropicInstrumentation patched into the
 * `@anthropic-ai/sdk` module the test loads, the loopback mock server speaking the Anthropic wire format,
 * and clients of it.
 *
 *   const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
 *
 * The SDK's own spans (scope `com.anthropic.sdk.typescript`, when a test turns its native tracing on) go
 * to the same exporter as ours, unchecked: read them with sdkSpans(tel).
 */
import Anthropic from '@anthropic-ai/sdk';
import { propagation, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '../../src/providers/anthropic/instrumentation';
import { MockAnthropicServer } from '../mock-servers/anthropic-server';
import { CAPTURE_CONTENT_ENV } from './env';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

export const ANTHROPIC: Provider<AnthropicInstrumentation> = { Instrumentation: AnthropicInstrumentation, sdkModule: () => require('@anthropic-ai/sdk') };

/** The instrumentation scope of the SDK's own spans. */
export const SDK_SCOPE = 'com.anthropic.sdk.typescript';

export type AnthropicTelemetry = TestTelemetry<AnthropicInstrumentation>;

/** The SDK's own spans (native tracing). */
export function sdkSpans(tel: TestTelemetry): ReadableSpan[] {
  return tel.allSpans().filter((s) => s.instrumentationScope.name === SDK_SCOPE);
}

export type ClientOptions = NonNullable<ConstructorParameters<typeof Anthropic>[0]>;

/**
 * A client of the mock server that never retries. The SDK's own tracing is on (its default), but records
 * nothing: the tests register no global tracer provider. Tests of the SDK-span policy give it one
 * (`openTelemetry: { tracerProvider }`) or register one.
 */
export function mockAnthropicClient(server: MockAnthropicServer, opts: Partial<ClientOptions> = {}): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0, ...opts });
}

export interface AnthropicTestbed {
  server: MockAnthropicServer;
  tel: AnthropicTelemetry;
  client(opts?: Partial<ClientOptions>): Anthropic;
}

/** Variables the SDK or this package read: none may leak into a test. */
const ANTHROPIC_ENV = [CAPTURE_CONTENT_ENV, 'ANTHROPIC_OPEN_TELEMETRY', 'ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE', 'ANTHROPIC_BASE_URL'];

export function useAnthropicTestbed(opts: TestbedOptions<AnthropicInstrumentationConfig> = {}): AnthropicTestbed {
  const { server, tel } = useTestbed(ANTHROPIC, new MockAnthropicServer(), ANTHROPIC_ENV, opts);
  return { server, tel, client: (clientOpts) => mockAnthropicClient(server, clientOpts) };
}

/** A minimal W3C `traceparent` propagator (what the SDK injects with), registered for the enclosing block. */
export function useTraceparentPropagator(): void {
  const propagator: TextMapPropagator = {
    inject(ctx: Context, carrier: unknown, setter: TextMapSetter) {
      const sc = trace.getSpanContext(ctx);
      if (!sc || !trace.isSpanContextValid(sc)) return;
      setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags.toString(16)}`);
    },
    extract: (ctx: Context, _carrier: unknown, _getter: TextMapGetter) => ctx,
    fields: () => ['traceparent'],
  };
  beforeAll(() => propagation.setGlobalPropagator(propagator));
  afterAll(() => propagation.disable());
}
