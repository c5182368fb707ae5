/*
 * LangChain.js runs with the real @langchain/core, @langchain/openai (over the loopback OpenAI server,
 * its `openai` SDK instrumented too) and LangGraph: chains, tools, retrievers, agents and models as the
 * conventions' spans, with exact parents, attributes and content.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { tool } from '@langchain/core/tools';
import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { json } from '../mock-servers/openai-server';
import { spanTree, useLangChainTestbed } from '../helpers/langchain-testbed';

const completion = (content: string, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-lc',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
});

class DocsRetriever extends BaseRetriever {
  override lc_namespace = ['test', 'retrievers'];
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [new Document({ id: 'doc-1', pageContent: `about ${query}`, metadata: { score: 0.9 } }), new Document({ id: 'doc-2', pageContent: 'other', metadata: {} })];
  }
}

describe('LangChain runs (real @langchain/core, @langchain/openai, openai SDK instrumented)', () => {
  const { server, tel } = useLangChainTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
  const model = () => new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL: server.baseURL } });

  it('a chain with ChatOpenAI: invoke_workflow with exactly one chat span (the openai one) under it, under the app span', async () => {
    server.enqueue(json(completion('Bonjour')));
    const chain = ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']]).pipe(model()).pipe(new StringOutputParser());
    const app = tel.tracerProvider.getTracer('app');
    const out = await app.startActiveSpan('request', async (span) => {
      try {
        return await chain.invoke({ lang: 'French' });
      } finally {
        span.end();
      }
    });
    expect(out).toBe('Bonjour');
    expect(spanTree(tel.allSpans())).toBe(['request', '  invoke_workflow RunnableSequence', '    chat gpt-4o-mini'].join('\n'));
    const [chat, workflow] = tel.spans();
    expect(workflow.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'RunnableSequence' });
    expect(workflow.kind).toBe(SpanKind.INTERNAL);
    expect(chat.instrumentationScope.name).toBe('opentelemetry-instrumentation-genai/openai');
    expect(chat.attributes['gen_ai.input.messages']).toBe(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Say hi in French' }] }]));
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(11);
  });

  it('tools, retrievers and a fake chat model', async () => {
    const adder = tool(async ({ a, b }: { a: number; b: number }) => `${a + b}`, { name: 'adder', description: 'adds', schema: z.object({ a: z.number(), b: z.number() }) });
    const chain = RunnableLambda.from(async (q: string) => {
      const docs = await new DocsRetriever().invoke(q);
      const sum = await adder.invoke({ name: 'adder', args: { a: 1, b: 2 }, id: 'call_1', type: 'tool_call' });
      const reply = await new FakeListChatModel({ responses: ['done'] }).invoke(`${docs.length} ${sum.content}`);
      return reply.content;
    }).withConfig({ runName: 'research' });
    expect(await chain.invoke('cats')).toBe('done');
    expect(spanTree(tel.allSpans())).toBe(
      ['invoke_workflow research', '  retrieval DocsRetriever', '  execute_tool adder', '  chat'].join('\n'),
    );
    const byName = Object.fromEntries(tel.spans().map((s) => [s.name, s]));
    expect(byName['retrieval DocsRetriever'].kind).toBe(SpanKind.CLIENT);
    expect(byName['retrieval DocsRetriever'].attributes).toEqual({
      'gen_ai.operation.name': 'retrieval',
      'gen_ai.data_source.id': 'DocsRetriever',
      'gen_ai.retrieval.query.text': 'cats',
      'gen_ai.retrieval.documents': JSON.stringify([{ id: 'doc-1', score: 0.9 }, { id: 'doc-2' }]),
    });
    expect(byName['execute_tool adder'].attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'adder',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': JSON.stringify({ a: 1, b: 2 }),
      'gen_ai.tool.call.result': '3',
    });
    // A model whose SDK this package does not instrument: one chat span from LangChain's callback data.
    expect(byName.chat.instrumentationScope.name).toBe('opentelemetry-instrumentation-genai/langchain');
    expect(byName.chat.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'fakelistchatmodel',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: '2 3' }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'done' }], finish_reason: 'stop' }]),
    });
  });

  it('the app keeps its own context after a run: a span it starts after invoke is not under the run', async () => {
    // A JSON-schema tool announces its run before its first await: the case the tool patch scopes.
    const echo: { invoke(input: unknown): Promise<unknown> } = tool(async ({ a }: { a: number }) => `${a}`, {
      name: 'echo',
      schema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
    }) as never;
    await echo.invoke({ a: 1 });
    await RunnableLambda.from(async (x: number) => x + 1).invoke(1);
    expect(trace.getActiveSpan()).toBeUndefined();
    const after = tel.tracerProvider.getTracer('app').startSpan('after');
    after.end();
    expect(spanTree(tel.allSpans())).toBe(['execute_tool echo', 'invoke_workflow RunnableLambda', 'after'].join('\n'));
  });

  it('a failing tool: execute_tool with status ERROR and error.type, the error reaches the app unchanged', async () => {
    const boom = new TypeError('bad input');
    const failing = tool(async () => {
      throw boom;
    }, { name: 'failing', schema: z.object({}) });
    await expect(failing.invoke({})).rejects.toBe(boom);
    const [span] = tel.spans();
    expect(span.name).toBe('execute_tool failing');
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toBe('TypeError');

  });
});
