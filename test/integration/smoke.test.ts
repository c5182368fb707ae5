import { json, sse } from '../mock-servers/openai-server';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';

describe('smoke', () => {
  const { server, tel, client: newClient } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  it('chat', async () => {
    const client = newClient({ apiKey: 'k' });
    server.enqueue(json({ id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini-2024', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }));
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(r.choices[0]!.message.content).toBe('hi');
    server.enqueue(sse([
      { id: 'c2', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'a' }, finish_reason: null }] },
      { id: 'c2', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content: 'b' }, finish_reason: 'stop' }] },
      { id: 'c2', object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
    ]));
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('ab');
    const spans = tel.spans();
    console.log(JSON.stringify(spans.map((s) => ({ name: s.name, kind: s.kind, attrs: s.attributes, status: s.status })), null, 1));
    console.log(JSON.stringify(tel.logs().map((l) => ({ name: l.eventName, attrs: l.attributes })), null, 1));
    console.log(JSON.stringify(metricPoints(await tel.metrics(), 'gen_ai.client.token.usage')));
  });
});
