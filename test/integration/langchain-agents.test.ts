/*
 * A LangGraph ReAct agent (real @langchain/langgraph, @langchain/openai over the loopback OpenAI server,
 * its `openai` SDK instrumented): invoke_agent with the model's chat spans and the tool's execute_tool span
 * under it.
 */
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { json } from '../mock-servers/openai-server';
import { spanTree, useLangChainTestbed } from '../helpers/langchain-testbed';

// A subpath export the tests' `node` module resolution does not type: loaded as Node loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createReactAgent } = require('@langchain/langgraph/prebuilt') as { createReactAgent(options: Record<string, unknown>): { invoke(input: unknown): Promise<any> } };

const reply = (message: Record<string, unknown>, finish: string) => ({
  id: `chatcmpl-${finish}`,
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
});

describe('LangGraph agents (real @langchain/langgraph)', () => {
  const { server, tel } = useLangChainTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('createReactAgent: invoke_agent, its two chat calls (openai spans) and the tool call under it', async () => {
    server.enqueue(
      json(reply({ tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls')),
      json(reply({ content: 'Sunny in Paris' }, 'stop')),
    );
    const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, { name: 'weather', description: 'the weather', schema: z.object({ city: z.string() }) });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL: server.baseURL } });
    const agent = createReactAgent({ llm: model, tools: [weather], name: 'weather_agent' });
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(result.messages.map((m: { content: unknown }) => m.content)).toEqual(['Weather in Paris?', '', 'sunny in Paris', 'Sunny in Paris']);
    expect(spanTree(tel.allSpans())).toBe(['invoke_agent weather_agent', '  chat gpt-4o-mini', '  execute_tool weather', '  chat gpt-4o-mini'].join('\n'));
    const toolSpan = tel.spans().find((s) => s.name === 'execute_tool weather')!;
    expect(toolSpan.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.call.id': 'call_w',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': JSON.stringify({ city: 'Paris' }),
      'gen_ai.tool.call.result': JSON.stringify({ content: 'sunny in Paris' }),
    });
    const agentSpan = tel.spans().find((s) => s.name === 'invoke_agent weather_agent')!;
    expect(agentSpan.attributes).toEqual({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather_agent' });
  });
});
