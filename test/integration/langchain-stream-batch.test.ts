/*
 * `.stream()` and `.batch()` of a LangChain chain with ChatOpenAI (real @langchain/core, @langchain/openai,
 * the `openai` SDK instrumented, the loopback OpenAI mock): the SDK call of each run nests under that run's
 * `invoke_workflow` span, exact parents checked by span id.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatOpenAI } from '@langchain/openai';
import { chatCompletion, textChoice, textStream, usage } from '../fixtures/chat';
import { json, sse } from '../mock-servers/openai-server';
import { useLangChainTestbed } from '../helpers/langchain-testbed';

const OPENAI_SCOPE = 'opentelemetry-instrumentation-genai/openai';
const LANGCHAIN_SCOPE = 'opentelemetry-instrumentation-genai/langchain';

const id = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const inputText = (span: ReadableSpan) => (JSON.parse(String(span.attributes['gen_ai.input.messages'])) as Array<{ parts: Array<{ content: string }> }>)[0]!.parts[0]!.content;
const outputText = (span: ReadableSpan) => (JSON.parse(String(span.attributes['gen_ai.output.messages'])) as Array<{ parts: Array<{ content: string }> }>)[0]!.parts[0]!.content;

describe('LangChain .stream() and .batch() of a chain with ChatOpenAI', () => {
  const { server, tel } = useLangChainTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });
  const chain = () =>
    ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']])
      .pipe(new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL: server.baseURL } }))
      .pipe(new StringOutputParser());

  /** The spans, checked to be exactly `workflows` invoke_workflow spans each with exactly one openai chat span as its child. */
  function workflowsWithOneChatEach(workflows: number, parent?: ReadableSpan): Array<{ workflow: ReadableSpan; chat: ReadableSpan }> {
    const spans = tel.allSpans().filter((s) => s !== parent);
    const workflowSpans = spans.filter((s) => s.name === 'invoke_workflow RunnableSequence');
    const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(spans.map((s) => s.name).sort()).toEqual([...Array(workflows).fill('chat gpt-4o-mini'), ...Array(workflows).fill('invoke_workflow RunnableSequence')]);
    expect(workflowSpans.map((s) => s.instrumentationScope.name)).toEqual(Array(workflows).fill(LANGCHAIN_SCOPE));
    expect(chats.map((s) => s.instrumentationScope.name)).toEqual(Array(workflows).fill(OPENAI_SCOPE));
    return workflowSpans.map((workflow) => {
      expect(parentOf(workflow)).toBe(parent && id(parent));
      const children = chats.filter((c) => parentOf(c) === id(workflow));
      expect(children).toHaveLength(1);
      return { workflow, chat: children[0]! };
    });
  }

  it('.stream(): the streamed SDK call nests under the run, not under its parent', async () => {
    server.enqueue(sse(textStream(['Bon', 'jour'], { id: 'chatcmpl-lc-s' })));
    let streamed = '';
    for await (const piece of await chain().stream({ lang: 'French' })) streamed += piece;
    expect(streamed).toBe('Bonjour');
    const [{ workflow, chat }] = workflowsWithOneChatEach(1) as [{ workflow: ReadableSpan; chat: ReadableSpan }];
    expect(workflow.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'RunnableSequence' });
    expect(chat.attributes['gen_ai.request.stream']).toBe(true);
    expect(chat.attributes['gen_ai.response.id']).toBe('chatcmpl-lc-s');
    expect(inputText(chat)).toBe('Say hi in French');
    expect(outputText(chat)).toBe('Bonjour');
  });

  it('.stream() under an app span: the run under the app span, the SDK call under the run', async () => {
    server.enqueue(sse(textStream(['Hal', 'lo'], { id: 'chatcmpl-lc-s2' })));
    const app = tel.tracerProvider.getTracer('app');
    const streamed = await app.startActiveSpan('request', async (span) => {
      try {
        let text = '';
        for await (const piece of await chain().stream({ lang: 'German' })) text += piece;
        return text;
      } finally {
        span.end();
      }
    });
    expect(streamed).toBe('Hallo');
    const spans = tel.allSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'invoke_workflow RunnableSequence', 'request']);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(parentOf(byName.request!)).toBeUndefined();
    expect(parentOf(byName['invoke_workflow RunnableSequence']!)).toBe(id(byName.request!));
    expect(parentOf(byName['chat gpt-4o-mini']!)).toBe(id(byName['invoke_workflow RunnableSequence']!));
  });

  it('.batch(): one invoke_workflow per input, each with exactly its own SDK call under it', async () => {
    server.enqueue(
      json(chatCompletion({ id: 'chatcmpl-lc-b1', choices: [textChoice('one')], usage: usage(5, 1) })),
      json(chatCompletion({ id: 'chatcmpl-lc-b2', choices: [textChoice('two')], usage: usage(5, 1) })),
    );
    const out = await chain().batch([{ lang: 'French' }, { lang: 'German' }]);
    const pairs = workflowsWithOneChatEach(2);
    // Each chat span's request is its input's prompt and its response what that input's result got.
    const byInput = Object.fromEntries(pairs.map(({ chat }) => [inputText(chat), outputText(chat)]));
    expect(Object.keys(byInput).sort()).toEqual(['Say hi in French', 'Say hi in German']);
    expect(out).toEqual([byInput['Say hi in French'], byInput['Say hi in German']]);
    expect(pairs[0]!.workflow.spanContext().traceId).not.toBe(pairs[1]!.workflow.spanContext().traceId);
    for (const { workflow, chat } of pairs) expect(chat.spanContext().traceId).toBe(workflow.spanContext().traceId);
  });
});

describe('LangChain .batch() under an app span', () => {
  const { server, tel } = useLangChainTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('three inputs: each invoke_workflow under the app span (none under a sibling), each SDK call under its own run', async () => {
    for (const n of [1, 2, 3]) server.enqueue(json(chatCompletion({ id: `chatcmpl-lc-b${n}`, choices: [textChoice(`reply ${n}`)], usage: usage(5, 2) })));
    const chain = ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']])
      .pipe(new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL: server.baseURL } }))
      .pipe(new StringOutputParser());
    const app = tel.tracerProvider.getTracer('app');
    const out = await app.startActiveSpan('request', async (span) => {
      try {
        return await chain.batch([{ lang: 'French' }, { lang: 'German' }, { lang: 'Dutch' }]);
      } finally {
        span.end();
      }
    });
    const spans = tel.allSpans();
    expect(spans.map((s) => s.name).sort()).toEqual([...Array(3).fill('chat gpt-4o-mini'), ...Array(3).fill('invoke_workflow RunnableSequence'), 'request']);
    const request = spans.find((s) => s.name === 'request')!;
    const workflows = spans.filter((s) => s.name.startsWith('invoke_workflow'));
    const chats = spans.filter((s) => s.name.startsWith('chat'));
    for (const workflow of workflows) {
      expect(parentOf(workflow)).toBe(id(request));
      expect(chats.filter((c) => parentOf(c) === id(workflow))).toHaveLength(1);
    }
    const byInput = Object.fromEntries(chats.map((chat) => [inputText(chat), outputText(chat)]));
    expect(out).toEqual([byInput['Say hi in French'], byInput['Say hi in German'], byInput['Say hi in Dutch']]);
  });
});
