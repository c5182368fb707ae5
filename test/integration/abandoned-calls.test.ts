/*
 * Every started call ends up in the record, also when the app never finishes it: a stream never
 * iterated, a stream dropped half-read (no break, no return), a `create()` never awaited. The span ends
 * exactly once, when every object through which the app could still finish the call is garbage
 * collected, when the idle limit passes, or at shutdown, with `genai_app.call.abandoned` saying which,
 * and with what the app received so far. A call the app still holds is never ended by the collector.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { endOpenInvocations, openInvocationCount } from '../../src/core';
import { collectGarbageUntil } from '../helpers/gc';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { useAnthropicTestbed } from '../helpers/anthropic-testbed';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { useBedrockTestbed } from '../helpers/bedrock-testbed';
import { sleep } from '../helpers/async';
import { json, sse } from '../mock-servers/openai-server';
import { sse as anthropicSse } from '../mock-servers/anthropic-server';
import { sse as geminiSse } from '../mock-servers/gemini-server';
import { event, events } from '../mock-servers/bedrock-server';
import { MODEL, chatCompletion, textStream, userMessage } from '../fixtures/chat';
import { MODEL as CLAUDE_MODEL, message, streamEvents, textBlock } from '../fixtures/anthropic';
import { MODEL as GEMINI_MODEL, textChunks } from '../fixtures/gemini';
import { CLAUDE } from '../fixtures/bedrock';

const ABANDONED = 'genai_app.call.abandoned';
const OUTPUT = 'gen_ai.output.messages';

/** What a reader of an abandoned span needs: how it ended, and what the app had received. */
function abandonedView(span: ReadableSpan) {
  return {
    abandoned: span.attributes[ABANDONED],
    finishReasons: span.attributes['gen_ai.response.finish_reasons'],
    output: span.attributes[OUTPUT] === undefined ? undefined : JSON.parse(span.attributes[OUTPUT] as string),
    status: span.status.code,
  };
}

const partialText = (text: string) => [{ role: 'assistant', parts: text ? [{ type: 'text', content: text }] : [], finish_reason: 'error' }];

describe('openai: calls the app never finishes', () => {
  const { server, tel, client } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
  const streamParams = { model: MODEL, messages: [userMessage('Tell me something')], stream: true as const };

  afterEach(() => {
    // Nothing a test started may stay open for the next one.
    endOpenInvocations();
  });

  test('a stream that is never iterated ends when it is garbage collected', async () => {
    server.enqueue(sse(textStream(['never', ' read'])));
    await (async () => {
      await client().chat.completions.create(streamParams);
    })();
    expect(await collectGarbageUntil(() => tel.spans().length > 0)).toBe(true);
    expect(tel.spans().map(abandonedView)).toEqual([
      { abandoned: 'garbage_collected', finishReasons: ['error'], output: partialText(''), status: 0 },
    ]);
    expect(openInvocationCount()).toBe(0);
  });

  test('a stream read for one chunk and then dropped (no break) ends with what the app received', async () => {
    server.enqueue(sse(textStream(['first', ' second', ' third'])));
    await (async () => {
      const stream = await client().chat.completions.create(streamParams);
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
    })();
    expect(await collectGarbageUntil(() => tel.spans().length > 0)).toBe(true);
    expect(tel.spans().map(abandonedView)).toEqual([
      { abandoned: 'garbage_collected', finishReasons: ['error'], output: partialText('first'), status: 0 },
    ]);
  });

  test('a create() that is never awaited ends when its promise is garbage collected (non-streamed and streamed)', async () => {
    server.enqueue(json(chatCompletion()));
    server.enqueue(sse(textStream(['unseen'])));
    (() => {
      void client().chat.completions.create({ model: MODEL, messages: [userMessage('hi')] });
      void client().chat.completions.create(streamParams);
    })();
    // The responses arrive whether or not anybody awaits them.
    while (server.requests.length < 2) await sleep(5);
    expect(await collectGarbageUntil(() => tel.spans().length === 2)).toBe(true);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual(['garbage_collected', 'garbage_collected']);
    expect(tel.spans().map((s) => s.attributes['gen_ai.request.stream'] ?? false).sort()).toEqual([false, true]);
  });

  test('a stream the app still holds is not ended by the collector, and ends once when it is read', async () => {
    server.enqueue(sse(textStream(['kept', ' alive'])));
    const stream = await client().chat.completions.create(streamParams);
    expect(await collectGarbageUntil(() => tel.spans().length > 0, 10)).toBe(false);
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('kept alive');
    await collectGarbageUntil(() => false, 5);
    expect(tel.spans().map(abandonedView)).toEqual([
      { abandoned: undefined, finishReasons: ['stop'], output: [{ role: 'assistant', parts: [{ type: 'text', content: 'kept alive' }], finish_reason: 'stop' }], status: 0 },
    ]);
  });

  test('a stream that was read to its end and then dropped is not ended a second time', async () => {
    server.enqueue(sse(textStream(['done'])));
    await (async () => {
      const stream = await client().chat.completions.create(streamParams);
      for await (const _ of stream) void _;
    })();
    await collectGarbageUntil(() => false, 10);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual([undefined]);
  });

  test('shutdown ends every open call as abandoned by shutdown, once', async () => {
    server.enqueue(sse(textStream(['one'])));
    server.enqueue(sse(textStream(['two'])));
    const held = [await client().chat.completions.create(streamParams), await client().chat.completions.create(streamParams)];
    expect(endOpenInvocations()).toBe(2);
    expect(endOpenInvocations()).toBe(0);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual(['shutdown', 'shutdown']);
    // Read after the record was written: the app still gets every chunk, the span is not ended again.
    for (const stream of held) for await (const _ of stream) void _;
    expect(tel.spans()).toHaveLength(2);
  });
});

describe('openai: the idle limit', () => {
  const { server, tel, client } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY', idleTimeout: 200 }, lifetime: 'test' });
  afterEach(() => endOpenInvocations());

  test('a stream the app holds but stops reading ends after the idle limit, with what it had received', async () => {
    server.enqueue(sse(textStream(['partial', ' rest'])));
    const stream = await client().chat.completions.create({ model: MODEL, messages: [userMessage('x')], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const started = Date.now();
    while (tel.spans().length === 0 && Date.now() - started < 5_000) await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(tel.spans().map(abandonedView)).toEqual([
      { abandoned: 'idle_timeout', finishReasons: ['error'], output: partialText('partial'), status: 0 },
    ]);
    // The app reads on: it gets the rest, unchanged; the record is not written twice.
    const rest = await iterator.next();
    expect(rest.done).toBe(false);
    expect(tel.spans()).toHaveLength(1);
  });

  test('a stream that keeps delivering chunks is not idle', async () => {
    server.enqueue(sse(textStream(Array.from({ length: 8 }, (_, i) => `w${i} `)), { delayMs: 60 }));
    const stream = await client().chat.completions.create({ model: MODEL, messages: [userMessage('x')], stream: true });
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(chunks).toBe(9);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual([undefined]);
  });
});

describe('anthropic: a stream dropped half-read', () => {
  const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
  afterEach(() => endOpenInvocations());

  test('ends when collected, with the text received so far', async () => {
    server.enqueue(anthropicSse(streamEvents(message({ content: [textBlock('Hello from Claude')] }))));
    await (async () => {
      const stream = await client().messages.create({ model: CLAUDE_MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      for (let i = 0; i < 4; i++) await iterator.next(); // message_start, content_block_start, then text deltas
    })();
    expect(await collectGarbageUntil(() => tel.spans().length > 0)).toBe(true);
    // Two text deltas arrived (the fixture splits the text into pieces): "Hello" and " fr".
    expect(tel.spans().map(abandonedView)).toEqual([
      { abandoned: 'garbage_collected', finishReasons: ['error'], output: partialText('Hello fr'), status: 0 },
    ]);
  });
});

describe('google-genai: a stream never iterated', () => {
  const { server, tel, client } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
  afterEach(() => endOpenInvocations());

  test('ends when collected', async () => {
    server.enqueue(geminiSse(textChunks(['never', ' read'])));
    await (async () => {
      await client().models.generateContentStream({ model: GEMINI_MODEL, contents: 'hi' });
    })();
    expect(await collectGarbageUntil(() => tel.spans().length > 0)).toBe(true);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual(['garbage_collected']);
  });
});

describe('bedrock: a ConverseStream never iterated', () => {
  const { server, tel, client } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
  afterEach(() => endOpenInvocations());

  test('ends when collected', async () => {
    server.enqueue(events([event('messageStart', { role: 'assistant' }), event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'never' } }), event('messageStop', { stopReason: 'end_turn' })]));
    await (async () => {
      await client().send(new ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    })();
    expect(await collectGarbageUntil(() => tel.spans().length > 0)).toBe(true);
    expect(tel.spans().map((s) => s.attributes[ABANDONED])).toEqual(['garbage_collected']);
  });
});
