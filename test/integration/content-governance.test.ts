/*
 * Redaction and truncation of captured content, end to end with the real openai SDK: what reaches the
 * span and the details event, exactly.
 */
import { json } from '../mock-servers/openai-server';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, contentAttribute, onlySpan } from '../helpers/spans';

const answer = (content: string) => ({
  id: 'chatcmpl-gov',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

describe('redaction of captured content (defaults: secrets and payment cards)', () => {
  const { server, tel, client } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  it('replaces secrets and card numbers on the span and the event, counts them, and leaves the request untouched', async () => {
    const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const question = `My key ${key} fails and my card 4111 1111 1111 1111 was charged. Mail me at ann@example.com`;
    server.enqueue(json(answer('Rotate the key; card 4111111111111111 refunded.')));
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });

    // The provider still gets exactly what the app sent.
    expect(server.requests[0]!.body.messages[0].content).toBe(question);

    const span = onlySpan(tel);
    const redactedQuestion =
      'My key [REDACTED:SECRET] fails and my card [REDACTED:CARD] was charged. Mail me at ann@example.com';
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: redactedQuestion }] }]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Rotate the key; card [REDACTED:CARD] refunded.' }], finish_reason: 'stop' },
    ]);
    expect(span.attributes['genai_app.content.redactions']).toBe(3);

    const [event] = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(event!.attributes[INPUT_MESSAGES]).toEqual([{ role: 'user', parts: [{ type: 'text', content: redactedQuestion }] }]);
    expect(JSON.stringify(event!.attributes)).not.toContain(key);
  });

  it('OTEL_INSTRUMENTATION_GENAI_REDACT=all also replaces e-mail addresses; an app hook runs last', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_REDACT = 'all';
    try {
      tel.instrumentation.setConfig({
        captureMessageContent: 'SPAN_ONLY',
        redaction: { hook: (value) => value.replace(/ACME-\d+/g, '[REDACTED:ACCOUNT]') },
      });
      server.enqueue(json(answer('ok')));
      await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Account ACME-991 belongs to ann@example.com' }],
      });
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_REDACT;
    }
    const span = onlySpan(tel);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Account [REDACTED:ACCOUNT] belongs to [REDACTED:EMAIL]' }] },
    ]);
    // The e-mail detector's replacement and the hook's change to that string both count.
    expect(span.attributes['genai_app.content.redactions']).toBe(2);
  });

  it('a throwing hook drops that content and keeps the span', async () => {
    tel.instrumentation.setConfig({
      captureMessageContent: 'SPAN_ONLY',
      redaction: {
        hook: () => {
          throw new Error('rule engine down');
        },
      },
    });
    server.enqueue(json(answer('fine')));
    const r = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(r.choices[0]!.message.content).toBe('fine');
    const span = onlySpan(tel);
    expect(span.attributes).not.toHaveProperty([INPUT_MESSAGES]);
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    expect(span.attributes['genai_app.content.dropped']).toBe(true);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-gov');
  });
});

describe('stage spans go through the same safeguards', () => {
  const { tel } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY', maxContentBytes: 256 } });

  it('tool arguments and results are redacted and fitted to the budget', async () => {
    const result = await tel.instrumentation.stages.traceTool(
      { name: 'charge', callId: 'call_9' },
      async (args: { card: string }) => ({ ok: true, receipt: 'x'.repeat(1000), card: args.card }),
      { card: '4111111111111111' },
    );
    expect(result.card).toBe('4111111111111111');
    const [span] = tel.spans();
    expect(span!.attributes['gen_ai.tool.call.arguments']).toBe('{"card":"[REDACTED:CARD]"}');
    const stored = span!.attributes['gen_ai.tool.call.result'] as string;
    expect(Buffer.byteLength(stored, 'utf8')).toBeLessThanOrEqual(256);
    expect(stored).not.toContain('4111111111111111');
    expect(span!.attributes['genai_app.content.redactions']).toBe(2);
    expect(span!.attributes['genai_app.content.truncated']).toBe(true);
  });
});

describe('truncation of captured content', () => {
  const { server, tel, client } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY', maxContentBytes: 2048 } });

  it('a long conversation keeps the system message, the first user message and the newest ones, within the budget', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are a refund assistant.' },
      { role: 'user' as const, content: 'First question' },
      ...Array.from({ length: 40 }, (_, i) => ({
        role: (i % 2 === 0 ? 'assistant' : 'user') as 'assistant' | 'user',
        content: `turn ${i} `.repeat(12),
      })),
      { role: 'user' as const, content: 'Newest question' },
    ];
    server.enqueue(json(answer('Newest answer')));
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });

    const span = onlySpan(tel);
    const raw = span.attributes[INPUT_MESSAGES] as string;
    expect(Buffer.byteLength(raw, 'utf8')).toBeLessThanOrEqual(2048);
    const kept = JSON.parse(raw) as Array<{ role: string; parts: Array<{ content: string }> }>;
    expect(kept[0]).toEqual({ role: 'system', parts: [{ type: 'text', content: 'You are a refund assistant.' }] });
    expect(kept[1]).toEqual({ role: 'user', parts: [{ type: 'text', content: 'First question' }] });
    expect(kept[kept.length - 1]).toEqual({ role: 'user', parts: [{ type: 'text', content: 'Newest question' }] });
    expect(kept.length).toBeLessThan(messages.length);
    expect(span.attributes['genai_app.input.messages.original_count']).toBe(43);
    expect(span.attributes['genai_app.content.truncated']).toBe(true);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Newest answer' }], finish_reason: 'stop' },
    ]);
  });
});
