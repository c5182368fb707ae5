/*
 * The Vercel AI SDK's streamText (`ai` 7, from its `ai:telemetry` channel; `ai` 5 and 6 in the version
 * matrix, from their wrapped doStream): the model call's stream parts
 * make one `chat {model}` span ended when the stream is done, with time to first chunk, the response and
 * the content; the app's text stream is unchanged, also when it stops reading early.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, onlySpan, parsedAttributes } from '../helpers/spans';
import { MODEL, RESPONSE_MODEL, textStream, usage } from '../fixtures/chat';
import { sse } from '../mock-servers/openai-server';

const { server, tel, ai, openai, baseAttributes } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
const streamText = (options: object) => ai().streamText(options);
/** The `ai` major under test (7; 5 or 6 in the version matrix). */
const AI_MAJOR = Number(require('ai/package.json').version.split('.')[0]);

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of stream) out.push(piece);
  return out;
}

it('a streamed call is one chat span with time to first chunk, the response and the content', async () => {
  server.enqueue(sse(textStream(['Hel', 'lo', '!'], { id: 'chatcmpl-s1', streamUsage: usage(9, 3, { cached: 2 }) })));

  const result = streamText({ model: openai().chat(MODEL), prompt: 'Say hello', temperature: 0.5, maxRetries: 0 });
  expect(await collect(result.textStream)).toEqual(['Hel', 'lo', '!']);
  await result.consumeStream?.();
  await result.usage;

  const span = onlySpan(tel);
  expect(span.name).toBe(`chat ${MODEL}`);
  const attrs = parsedAttributes(span, { takeTtfc: true });
  expect(attrs).toEqual({
    ...baseAttributes('chat'),
    'gen_ai.request.model': MODEL,
    'gen_ai.request.temperature': 0.5,
    'gen_ai.request.stream': true,
    'gen_ai.response.id': 'chatcmpl-s1',
    'gen_ai.response.model': RESPONSE_MODEL,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 9,
    'gen_ai.usage.output_tokens': 3,
    'gen_ai.usage.cache_read.input_tokens': 2,
    // @ai-sdk/openai 3 and 4 report 0 reasoning tokens when the body has no completion_tokens_details (2, of ai 5: none).
    ...(AI_MAJOR >= 6 && { 'gen_ai.usage.reasoning.output_tokens': 0 }),
    [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }],
    [OUTPUT_MESSAGES]: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' }],
  });
});

it('the AI SDK reads the model stream to its end when the app stops early: the span has the whole response', async () => {
  server.enqueue(sse(textStream(['one ', 'two ', 'three'], { id: 'chatcmpl-s2' }), { delayMs: 20 }));

  const result = streamText({ model: openai().chat(MODEL), prompt: 'Count', maxRetries: 0 });
  for await (const piece of result.textStream) {
    expect(piece).toBe('one ');
    break;
  }
  // The AI SDK reads the rest in the background (three chunks 20 ms apart): wait for the span to end.
  for (let waited = 0; tel.spans().length === 0 && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));

  const span = onlySpan(tel);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(parsedAttributes(span, { takeTtfc: true })[OUTPUT_MESSAGES]).toEqual([
    { role: 'assistant', parts: [{ type: 'text', content: 'one two three' }], finish_reason: 'stop' },
  ]);
});
