/*
 * LangChain.js with ChatAnthropic (real @langchain/anthropic, over the loopback Anthropic mock): its calls
 * go through the copy of @anthropic-ai/sdk nested under @langchain/anthropic (a 0.x, not the app's own
 * copy), which the Anthropic instrumentation patches (the module hook in an app; manuallyInstrument on that
 * nested copy here). The chain records invoke_workflow with exactly one chat span under it: the anthropic
 * one, none from LangChain's callbacks.
 */
import { dirname } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatAnthropic } from '@langchain/anthropic';
import { AnthropicInstrumentation } from '../../src';
import { message, streamEvents, textBlock, usage } from '../fixtures/anthropic';
import { MockAnthropicServer, json, sse } from '../mock-servers/anthropic-server';
import { spanTree, useLangChainTestbed } from '../helpers/langchain-testbed';
import { useMockServer } from '../helpers/testbed';

/** The @anthropic-ai/sdk copy @langchain/anthropic loads (its own nested one). */
const NESTED_SDK = require.resolve('@anthropic-ai/sdk', { paths: [dirname(require.resolve('@langchain/anthropic'))] });

const id = (span: ReadableSpan) => span.spanContext().spanId;

describe('LangChain.js with ChatAnthropic (its nested @anthropic-ai/sdk instrumented)', () => {
  const { tel } = useLangChainTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, withOpenAI: false });
  const server = useMockServer(new MockAnthropicServer());
  let anthropic: AnthropicInstrumentation | undefined;
  beforeEach(() => {
    anthropic = new AnthropicInstrumentation({ enabled: false, captureMessageContent: 'SPAN_ONLY' });
    anthropic.setTracerProvider(tel.tracerProvider);
    anthropic.manuallyInstrument(require(NESTED_SDK));
    anthropic.enable();
  });
  afterEach(() => {
    anthropic?.disable();
    anthropic = undefined;
  });

  const chain = () =>
    ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']])
      .pipe(new ChatAnthropic({ model: 'claude-opus-5', apiKey: 'test-key', maxRetries: 0, maxTokens: 64, anthropicApiUrl: server.baseURL }))
      .pipe(new StringOutputParser());

  it('the nested copy is not the app\'s own @anthropic-ai/sdk', () => {
    expect(NESTED_SDK).toContain(`@langchain/anthropic/node_modules/@anthropic-ai/sdk/`.replace(/\//g, require('node:path').sep));
    expect(require(NESTED_SDK)).not.toBe(require('@anthropic-ai/sdk'));
  });

  it('invoke: invoke_workflow with exactly one chat span (the anthropic one) under it', async () => {
    server.enqueue(json(message({ id: 'msg_lc1', content: [textBlock('Bonjour')], usage: usage(12, 3) })));
    expect(await chain().invoke({ lang: 'French' })).toBe('Bonjour');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages']);
    expect(spanTree(tel.allSpans())).toBe(['invoke_workflow RunnableSequence', '  chat claude-opus-5'].join('\n'));
    const [workflow] = tel.allSpans().filter((s) => s.name.startsWith('invoke_workflow'));
    const [chat] = tel.allSpans().filter((s) => s.name.startsWith('chat'));
    expect(chat!.instrumentationScope.name).toBe('opentelemetry-instrumentation-genai/anthropic');
    expect(chat!.parentSpanContext?.spanId).toBe(id(workflow!));
    expect(chat!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-opus-5',
      'gen_ai.request.max_tokens': 64,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'gen_ai.response.id': 'msg_lc1',
      'gen_ai.response.model': 'claude-opus-5-20261015',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Say hi in French' }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'stop' }]),
    });
  });

  it('stream: the streamed SDK call is the one chat span, under the run', async () => {
    server.enqueue(sse(streamEvents(message({ id: 'msg_lc2', content: [textBlock('Hallo')], usage: usage(9, 2) }))));
    let streamed = '';
    for await (const piece of await chain().stream({ lang: 'German' })) streamed += piece;
    expect(streamed).toBe('Hallo');
    expect(spanTree(tel.allSpans())).toBe(['invoke_workflow RunnableSequence', '  chat claude-opus-5'].join('\n'));
    const [chat] = tel.allSpans().filter((s) => s.name.startsWith('chat'));
    expect(chat!.instrumentationScope.name).toBe('opentelemetry-instrumentation-genai/anthropic');
    expect(chat!.attributes['gen_ai.request.stream']).toBe(true);
    expect(chat!.attributes['gen_ai.response.id']).toBe('msg_lc2');
  });
});
