/*
 * withGenAIContext metadata and stage spans with the real openai SDK over loopback HTTP: every GenAI span
 * started in a GenAI context carries its metadata (streams consumed after withGenAIContext returned included), and the
 * stage helpers parent the LLM spans they wrap.
 */
import { SpanKind } from '@opentelemetry/api';
import { withGenAIContext } from '../../src';
import { json, sse } from '../mock-servers/openai-server';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';

const completion = (content: string) => ({
  id: 'chatcmpl-ctx',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
});
const chunks = (words: string[]) => [
  ...words.map((w, i) => ({
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content: w }, finish_reason: i === words.length - 1 ? 'stop' : null }],
  })),
];

const METADATA = {
  conversationId: 'conv-42',
  promptName: 'refund-policy',
  promptVersion: 'v2',
  userId: 'user-7',
  tenantId: 'acme',
  environment: 'staging',
  attributes: { team: 'support', 'session.id': 's-1' },
};
const METADATA_ATTRIBUTES = {
  'gen_ai.conversation.id': 'conv-42',
  'gen_ai.prompt.name': 'refund-policy',
  'gen_ai.prompt.version': 'v2',
  'user.id': 'user-7',
  'genai_app.tenant.id': 'acme',
  'deployment.environment.name': 'staging',
  'genai_app.team': 'support',
  'session.id': 's-1',
};

describe('GenAI context metadata and stage spans (real openai SDK)', () => {
  const { server, tel, client } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('every span in the GenAI context carries the metadata, across awaits, timers and a stream consumed after it returned', async () => {
    server.enqueue(json(completion('first')), json(completion('second')), sse(chunks(['a', 'b'])));
    const stream = await withGenAIContext(METADATA, async () => {
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q1' }] });
      await new Promise<void>((resolve) =>
        setTimeout(() => void client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q2' }] }).then(() => resolve()), 5),
      );
      return client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q3' }], stream: true });
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('ab');

    const spans = tel.spans();
    expect(spans).toHaveLength(3);
    for (const span of spans) expect(span.attributes).toMatchObject(METADATA_ATTRIBUTES);

    // Prompt name/version and environment go on metrics; ids never do.
    const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration');
    const inContext = durations.filter((p) => p.attributes['gen_ai.prompt.version'] === 'v2');
    expect(inContext).toHaveLength(1);
    expect(inContext[0]!.value.count).toBe(3);
    expect(inContext[0]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'gen_ai.prompt.name': 'refund-policy',
      'gen_ai.prompt.version': 'v2',
      'deployment.environment.name': 'staging',
    });
  });

  it('a call outside any GenAI context carries none of it; nested GenAI contexts merge, inner wins', async () => {
    server.enqueue(json(completion('x')), json(completion('y')));
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'plain' }] });
    await withGenAIContext(METADATA, () =>
      withGenAIContext({ promptVersion: 'v3', userId: 'user-8' }, () =>
        client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'nested' }] }),
      ),
    );
    const [plain, nested] = tel.spans();
    for (const key of Object.keys(METADATA_ATTRIBUTES)) expect(plain!.attributes).not.toHaveProperty([key]);
    expect(nested!.attributes).toMatchObject({ ...METADATA_ATTRIBUTES, 'gen_ai.prompt.version': 'v3', 'user.id': 'user-8' });
  });

  it('a GenAI context can switch content capture off for one tenant', async () => {
    server.enqueue(json(completion('secret answer')));
    await withGenAIContext({ tenantId: 'bank', captureMessageContent: 'NO_CONTENT' }, () =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'secret question' }] }),
    );
    const [span] = tel.spans();
    expect(span!.attributes['genai_app.tenant.id']).toBe('bank');
    expect(span!.attributes).not.toHaveProperty(['gen_ai.input.messages']);
    expect(span!.attributes).not.toHaveProperty(['gen_ai.output.messages']);
  });

  it('a GenAI context can switch content capture on when the instrumentation captures none, output included', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    server.enqueue(json(completion('the answer')));
    await withGenAIContext({ captureMessageContent: 'SPAN_ONLY' }, () =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'the question' }] }),
    );
    const [span] = tel.spans();
    expect(JSON.parse(span!.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'the question' }] },
    ]);
    expect(JSON.parse(span!.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'the answer' }], finish_reason: 'stop' },
    ]);
  });

  it('stage spans nest the LLM spans: workflow > agent > retrieval, tool, chat', async () => {
    server.enqueue(json(completion('Refunds within 30 days.')));
    const stages = tel.instrumentation.stages;
    const answer = await withGenAIContext({ promptVersion: 'v2' }, () =>
      stages.traceWorkflow({ name: 'support' }, () =>
        stages.traceAgent({ name: 'refund-assistant' }, async () => {
          const docs = await stages.traceRetrieval({ dataSource: 'policies', query: 'refund window', topK: 1 }, async () => [
            { id: 'policy-7', score: 0.92 },
          ]);
          const days = await stages.traceTool({ name: 'lookup_order', callId: 'call_1', type: 'function' }, async (args: { id: string }) => ({ id: args.id, days: 12 }), { id: 'o-1' });
          const r = await client().chat.completions.create({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: `docs=${docs.length} days=${days.days}` }],
          });
          return r.choices[0]!.message.content;
        }),
      ),
    );
    expect(answer).toBe('Refunds within 30 days.');

    const spans = tel.spans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const workflow = byName.get('invoke_workflow support')!;
    const agent = byName.get('invoke_agent refund-assistant')!;
    const retrieval = byName.get('retrieval policies')!;
    const tool = byName.get('execute_tool lookup_order')!;
    const chat = byName.get('chat gpt-4o-mini')!;
    const parentOf = (s: typeof chat) => s.parentSpanContext?.spanId;
    expect(parentOf(agent)).toBe(workflow.spanContext().spanId);
    expect(parentOf(retrieval)).toBe(agent.spanContext().spanId);
    expect(parentOf(tool)).toBe(agent.spanContext().spanId);
    expect(parentOf(chat)).toBe(agent.spanContext().spanId);
    expect(agent.kind).toBe(SpanKind.INTERNAL);
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': '{"id":"o-1"}',
      'gen_ai.tool.call.result': '{"id":"o-1","days":12}',
      'gen_ai.prompt.version': 'v2',
    });
    expect(retrieval.attributes['gen_ai.retrieval.documents']).toBe('[{"id":"policy-7","score":0.92}]');
    expect(retrieval.attributes['gen_ai.retrieval.query.text']).toBe('refund window');
    for (const s of [workflow, agent, retrieval, tool, chat]) expect(s.attributes['gen_ai.prompt.version']).toBe('v2');
  });
});
