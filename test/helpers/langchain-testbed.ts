/*
 * The LangChain testbed: the LangChainInstrumentation patched into the `@langchain/core` modules the test
 * loads (callbacks/manager and tools), the OpenAIInstrumentation patched into `openai` (which
 * `@langchain/openai` calls) on the same pipeline, the loopback OpenAI mock server, and the span tree.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LangChainInstrumentation, type LangChainInstrumentationConfig, OpenAIInstrumentation } from '../../src';
import { MockOpenAIServer } from '../mock-servers/openai-server';
import { CAPTURE_CONTENT_ENV } from './env';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

export const LANGCHAIN: Provider<LangChainInstrumentation> = {
  Instrumentation: LangChainInstrumentation,
  sdkModule: () => require('@langchain/core/callbacks/manager'),
};

export interface LangChainTestbed {
  server: MockOpenAIServer;
  tel: TestTelemetry<LangChainInstrumentation>;
  /** The `openai` instrumentation on the same pipeline (created for each test). */
  openai(): OpenAIInstrumentation | undefined;
}

/** `withOpenAI` (default true): the `openai` SDK under `@langchain/openai` is instrumented too. */
export function useLangChainTestbed(opts: TestbedOptions<LangChainInstrumentationConfig> & { withOpenAI?: boolean } = {}): LangChainTestbed {
  const { server, tel } = useTestbed(LANGCHAIN, new MockOpenAIServer(), [CAPTURE_CONTENT_ENV], opts);
  let openai: OpenAIInstrumentation | undefined;
  beforeEach(() => {
    tel.instrumentation.manuallyInstrument(require('@langchain/core/tools'));
    if (opts.withOpenAI === false) return;
    openai = new OpenAIInstrumentation({ enabled: false, ...opts.config });
    openai.setTracerProvider(tel.tracerProvider);
    openai.manuallyInstrument(require('openai'));
  });
  afterEach(() => {
    openai?.disable();
    openai = undefined;
  });
  return { server, tel, openai: () => openai };
}

/** The spans as an indented tree of names (children in start order), from the roots among `spans`. */
export function spanTree(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => compareTime(a.startTime, b.startTime));
    for (const span of list) {
      lines.push(`${'  '.repeat(depth)}${span.name}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

function compareTime(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
